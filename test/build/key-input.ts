/**
 * The cache-key input stepKeyInput gives the first instruction after `FROM scratch`, over the
 * real context in `dir`, as the cache plan computes it: everything a key may not touch (the
 * rootfs, other stages, the sandbox, the network) rejects if reached.
 */
import { tmpdir } from 'node:os';
import { ArgScope } from '../../src/build/arg-scope.js';
import type { RunMountResources } from '../../src/build/index.js';
import { RemoteSources } from '../../src/build/remote-sources.js';
import { stepContext } from '../../src/build/step-context.js';
import { stepKeyInput, type CacheableInstruction } from '../../src/build/step-key.js';
import { openContext } from '../../src/context/index.js';
import { ALL_FEATURES, parseDockerfile } from '../../src/dockerfile/index.js';
import { InternalError } from '../../src/oci/index.js';

const never = () => Promise.reject(new InternalError('not in a key'));

export interface KeyInputOptions {
  /** The stage's ENV before the instruction. */
  readonly env?: string[];
  readonly runMounts?: RunMountResources;
  /** The key input of a `--from` stage (default: reaching one is an error). */
  readonly fromInputs?: () => Promise<string>;
}

/** The key input as JSON (Maps as entry arrays), for comparing keys. */
export async function keyInputOf(dir: string, text: string, options: KeyInputOptions = {}): Promise<string> {
  const ins = parseDockerfile(`FROM scratch\n${text}\n`, 'Dockerfile', { features: ALL_FEATURES }).stages[0]?.instructions[0];
  const context = await openContext(dir, { dockerfilePath: 'Dockerfile' });
  const step = stepContext({ ...(options.env === undefined ? {} : { Env: options.env }) }, ArgScope.forStage(new Map(), new Map()), false, {
    escape: '\\',
    rootfs: never,
    beforeChanges: never,
    copyFromTree: never,
    context,
    scratchDir: '',
    // Never used: these instructions fetch nothing.
    remote: new RemoteSources(tmpdir()),
    deps: { isolation: never, logger: undefined as never, output: undefined as never, ...(options.runMounts === undefined ? {} : { runMounts: options.runMounts }) },
  });
  const input = await stepKeyInput(ins as CacheableInstruction, step, '\\', options.fromInputs ?? never);
  return JSON.stringify(input, (_k, v: unknown) => (v instanceof Map ? [...v] : v));
}
