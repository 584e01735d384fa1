/**
 * RUN --mount=type=ssh in the cache key, as in BuildKit: the mount's options are part of the
 * instruction (and so of the key), the agent behind it is not: another agent, other keys or no
 * `--ssh` at all give the same key, which never names a socket.
 */
import { describe, expect, it } from 'vitest';
import { ArgScope } from '../../src/build/arg-scope.js';
import type { RunMountResources } from '../../src/build/index.js';
import { stepContext } from '../../src/build/step-context.js';
import { RemoteSources } from '../../src/build/remote-sources.js';
import { tmpdir } from 'node:os';
import { stepKeyInput, type CacheableInstruction } from '../../src/build/step-key.js';
import { openContext } from '../../src/context/index.js';
import { BUILDER_FEATURES, parseDockerfile } from '../../src/dockerfile/index.js';
import { InternalError } from '../../src/oci/index.js';
import { tempDir } from '../helpers/temp-dir.js';

const never = () => Promise.reject(new InternalError('not in a key'));

/** The key input of the RUN after FROM, over an empty context in `dir`, with `runMounts`. */
async function keyOf(dir: string, text: string, runMounts?: RunMountResources) {
  const ins = parseDockerfile(`FROM scratch\n${text}\n`, 'Dockerfile', { features: BUILDER_FEATURES }).stages[0]?.instructions[0];
  const context = await openContext(dir, { dockerfilePath: 'Dockerfile' });
  const step = stepContext({}, ArgScope.forStage(new Map(), new Map()), false, {
    escape: '\\',
    rootfs: never,
    beforeChanges: never,
    copyFromTree: never,
    context,
    scratchDir: '',
    // Never used: these steps fetch nothing.
    remote: new RemoteSources(tmpdir()),
    deps: { isolation: never, logger: undefined as never, output: undefined as never, ...(runMounts === undefined ? {} : { runMounts }) },
  });
  const input = await stepKeyInput(ins as CacheableInstruction, step, '\\', () => Promise.resolve('stage-key'));
  return JSON.stringify(input, (_k, v: unknown) => (v instanceof Map ? [...v] : v));
}

describe('RUN --mount=type=ssh in the cache key', () => {
  it('keys on the mount options, as written in the instruction', async () => {
    await using dir = await tempDir({ Dockerfile: '' });
    const lines = ['RUN true', 'RUN --mount=type=ssh true', 'RUN --mount=type=ssh,id=gh true', 'RUN --mount=type=ssh,target=/a true', 'RUN --mount=type=ssh,mode=0666 true'];
    const keys = await Promise.all(lines.map((l) => keyOf(dir.path, l)));
    expect(new Set(keys).size).toBe(lines.length);
  });

  it('never keys on the agent: any --ssh, or none, gives the same key', async () => {
    await using dir = await tempDir({ Dockerfile: '' });
    const line = 'RUN --mount=type=ssh,id=gh git clone git@example.com:org/repo.git';
    const none = await keyOf(dir.path, line);
    const one = await keyOf(dir.path, line, { cacheDir: '/c', secrets: new Map(), ssh: new Map([['gh', '/tmp/first-agent.sock']]) });
    const two = await keyOf(dir.path, line, { cacheDir: '/c', secrets: new Map(), ssh: new Map([['gh', '/home/u/other-agent.sock']]) });
    expect(one).toBe(none);
    expect(two).toBe(none);
    expect(one).not.toContain('agent.sock');
  });
});
