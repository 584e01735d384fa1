/**
 * RUN --mount=type=ssh in the cache key, as in BuildKit: the mount's options are part of the
 * instruction (and so of the key), the agent behind it is not: another agent, other keys or no
 * `--ssh` at all give the same key, which never names a socket.
 */
import { describe, expect, it } from 'vitest';
import { keyInputOf } from './key-input.js';
import type { RunMountResources } from '../../src/build/index.js';
import { tempDir } from '../helpers/temp-dir.js';

/** The key input of the RUN after FROM, over an empty context in `dir`, with `runMounts`. */
async function keyOf(dir: string, text: string, runMounts?: RunMountResources) {
  return keyInputOf(dir, text, runMounts === undefined ? {} : { runMounts });
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
