/**
 * What every strategy does around the command the same way: refusing a spec it could not run
 * faithfully, reading the status channel (fd 3) the exec step writes, and turning how the
 * sandbox ended into a RunResult or a coded error.
 */
import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InternalError, TsbuildError } from '../oci/index.js';
import { EXEC_MARKER } from './sandbox-script.js';
import type { RunResult, RunSpec } from './types.js';

const STATUS_CAP = 16 * 1024;
const MAX_ID = 0xfffffffe;

/** How a sandbox process ended, with its status channel's text. */
export interface Outcome {
  readonly code: number | null;
  readonly signal: string | null;
  readonly status: string;
}

/** Rejects a spec no strategy could run faithfully. */
export function checkSpec(spec: RunSpec): void {
  const ids = [spec.uid, spec.gid, ...spec.groups];
  if (ids.some((id) => !Number.isInteger(id) || id < 0 || id > MAX_ID)) {
    throw new InternalError(`invalid uid, gid or group in RUN: ${ids.join(',')}`);
  }
  if (!spec.cwd.startsWith('/')) throw new InternalError(`RUN working directory ${JSON.stringify(spec.cwd)} is not absolute`);
  const bad = spec.env.find((e) => e.indexOf('=') <= 0);
  if (bad !== undefined) throw new InternalError(`RUN environment entry ${JSON.stringify(bad)} is not KEY=VALUE`);
  if (spec.argv.length === 0) throw new TsbuildError('TSB_RUN_FAILED', 'RUN has an empty command');
  const withNul = [...spec.argv, ...spec.env].find((s) => s.includes('\0'));
  if (withNul !== undefined) throw new TsbuildError('TSB_RUN_FAILED', `RUN argument or environment entry contains a NUL byte: ${JSON.stringify(withNul)}`);
}

/** The status channel's text, capped. */
export function readCapped(stream: Readable): Promise<string> {
  return new Promise((resolvePromise) => {
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      if (text.length < STATUS_CAP) text += chunk;
    });
    stream.on('error', () => resolvePromise(text));
    stream.on('close', () => resolvePromise(text));
  });
}

/** The run's result from how the sandbox ended and what its status channel said. */
export function interpret(outcome: Outcome): RunResult {
  const lines = outcome.status.split('\n').filter((l) => l !== '');
  const errors = lines.filter((l) => l !== EXEC_MARKER);
  if (errors.length > 0) {
    const message = errors.join('; ');
    if (message.startsWith('run: ')) throw new TsbuildError('TSB_RUN_FAILED', message.slice('run: '.length));
    throw new TsbuildError('TSB_SANDBOX', `the sandbox could not start the command: ${message.replace(/^sandbox: /, '')}`);
  }
  if (!lines.includes(EXEC_MARKER)) {
    const how = outcome.signal ?? `exit code ${outcome.code}`;
    throw new TsbuildError('TSB_SANDBOX', `the sandbox ended (${how}) before starting the command; its error is in the command's output`);
  }
  return { exitCode: outcome.code, signal: outcome.signal };
}


/** The command's output on its way to the spec's streams. */
export interface OutputPump {
  /** Settles once both pipes have ended or failed; never rejects. */
  readonly done: Promise<void>;
  /** The first pipe failure, if any. */
  error(): unknown;
}

/**
 * Copies the child's stdout and stderr to the spec's streams with backpressure, never ending
 * them (the caller's streams outlive the RUN); a failing destination kills the sandbox.
 */
export function pumpOutput(child: ChildProcess, spec: RunSpec, kill: () => void): OutputPump {
  let failure: unknown;
  const done = Promise.all([
    pipeline(child.stdout!, spec.stdout, { end: false }),
    pipeline(child.stderr!, spec.stderr, { end: false }),
  ]).then(
    () => undefined,
    (error: unknown) => {
      failure ??= error;
      kill();
    },
  );
  return { done, error: () => failure };
}
