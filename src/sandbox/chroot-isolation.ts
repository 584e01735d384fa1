/**
 * The `chroot` strategy, for root with CAP_SYS_ADMIN: private mount and pid namespaces (and a
 * network namespace for `--network=none`), a minimal /dev, /proc, read-only /sys, resolv.conf
 * and hosts mounted into the rootfs, then chroot and the RUN's user. The command is the pid
 * namespace's init, as under runc, so every process it starts dies with it.
 *
 * Not a security boundary against a hostile root command: it keeps CAP_SYS_CHROOT (Docker's
 * default set), and a chroot can be left with it. It is as strong as buildah's chroot isolation.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { Logger } from '../log/index.js';
import { InternalError, TsbuildError } from '../oci/index.js';
import { SYSTEM_DIRS, type HostTools } from './host-tools.js';
import { killNamespace } from './kill-namespace.js';
import { prepareMountPoints } from './mount-points.js';
import { createRunFiles } from './run-files.js';
import { EXEC_MARKER, sandboxArgs } from './sandbox-script.js';
import type { Isolation, RunResult, RunSpec } from './types.js';

const STATUS_CAP = 16 * 1024;
const MAX_ID = 0xfffffffe;

interface Outcome {
  readonly code: number | null;
  readonly signal: string | null;
  readonly status: string;
}

function checkSpec(spec: RunSpec): void {
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

function readCapped(stream: Readable): Promise<string> {
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

function interpret(outcome: Outcome): RunResult {
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

/** Runs commands in namespaces with `tools`; `boundingSet` is setpriv's capability list. */
export class ChrootIsolation implements Isolation {
  readonly name = 'chroot';

  constructor(
    private readonly tools: HostTools,
    private readonly boundingSet: string,
    private readonly logger: Logger,
  ) {}

  async run(spec: RunSpec): Promise<RunResult> {
    checkSpec(spec);
    spec.signal?.throwIfAborted();
    const root = resolve(spec.root);
    await using files = await createRunFiles();
    const mounts = await prepareMountPoints(root, this.logger, this.tools.touch);
    let outcome: Outcome;
    try {
      outcome = await this.spawnSandbox(spec, root, {
        resolvConf: mounts.bindable.has('/etc/resolv.conf') ? files.resolvConf : null,
        hosts: mounts.bindable.has('/etc/hosts') ? files.hosts : null,
      });
    } finally {
      await mounts.restore();
    }
    spec.signal?.throwIfAborted();
    return interpret(outcome);
  }

  private async spawnSandbox(spec: RunSpec, root: string, files: { resolvConf: string | null; hosts: string | null }): Promise<Outcome> {
    const args = sandboxArgs(this.tools, this.boundingSet, spec, root, files);
    const child = spawn(this.tools.unshare, args, {
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      env: { PATH: SYSTEM_DIRS.join(':') },
      cwd: '/',
    });
    const kill = () => {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) killNamespace(child.pid);
    };
    let spawnError: Error | undefined;
    child.once('error', (error) => {
      spawnError = error;
    });
    const closed = new Promise<[number | null, string | null]>((r) => child.once('close', (code, signal) => r([code, signal])));
    spec.signal?.addEventListener('abort', kill, { once: true });
    try {
      const status = readCapped(child.stdio[3] as Readable);
      let pipeError: unknown;
      const pipes = Promise.all([
        pipeline(child.stdout!, spec.stdout, { end: false }),
        pipeline(child.stderr!, spec.stderr, { end: false }),
      ]).catch((error: unknown) => {
        pipeError ??= error;
        kill();
      });
      const [code, signal] = await closed;
      await pipes;
      if (spawnError !== undefined) {
        throw new TsbuildError('TSB_SANDBOX', `cannot start ${this.tools.unshare}: ${spawnError.message}`, { cause: spawnError });
      }
      if (pipeError !== undefined) throw pipeError;
      return { code, signal, status: await status };
    } finally {
      spec.signal?.removeEventListener('abort', kill);
    }
  }
}
