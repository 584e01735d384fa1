/**
 * The cache key inputs of RUN over a real context on disk: heredoc bodies, --network and --mount
 * options are in the key; a context bind brings the content of its source (a change inside it
 * changes the key, a change elsewhere does not); secrets never reach it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyInputOf } from './key-input.js';
import type { RunMountResources } from '../../src/build/index.js';
import { tempDir } from '../helpers/temp-dir.js';

/** The key input of the Dockerfile's instruction after FROM, in `dir`, with `runMounts`. */
async function keyOf(dir: string, text: string, runMounts?: RunMountResources) {
  return keyInputOf(dir, text, { ...(runMounts === undefined ? {} : { runMounts }), fromInputs: () => Promise.resolve('stage-key') });
}

const TREE = { Dockerfile: '', 'src/a.txt': 'a', 'other.txt': 'o' };

describe('RUN cache key inputs', () => {
  it('covers heredoc bodies, --network and each --mount option', async () => {
    await using dir = await tempDir(TREE);
    const keys = await Promise.all(
      [
        'RUN <<EOF\necho one\nEOF',
        'RUN <<EOF\necho two\nEOF',
        'RUN true',
        'RUN --network=none true',
        'RUN --mount=type=cache,target=/c true',
        'RUN --mount=type=cache,target=/c,id=other true',
        'RUN --mount=type=tmpfs,target=/t true',
        'RUN --mount=type=secret,id=s true',
        'RUN --mount=type=bind,from=stage,target=/b true',
      ].map((t) => keyOf(dir.path, t)),
    );
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('a context bind brings its source content, and only that', async () => {
    await using dir = await tempDir(TREE);
    const line = 'RUN --mount=type=bind,source=src,target=/s true';
    const before = await keyOf(dir.path, line);
    writeFileSync(join(dir.path, 'other.txt'), 'changed');
    expect(await keyOf(dir.path, line)).toBe(before);
    writeFileSync(join(dir.path, 'src/a.txt'), 'changed');
    expect(await keyOf(dir.path, line)).not.toBe(before);
  });

  it('never depends on secret values', async () => {
    await using dir = await tempDir(TREE);
    const line = 'RUN --mount=type=secret,id=s,env=S true';
    const one = await keyOf(dir.path, line, { cacheDir: '/x', secrets: new Map([['s', { kind: 'value', value: 'first-value' }]]) });
    const two = await keyOf(dir.path, line, { cacheDir: '/y', secrets: new Map([['s', { kind: 'value', value: 'second-value' }]]) });
    expect(one).toBe(two);
    expect(one).not.toContain('value');
  });
});
