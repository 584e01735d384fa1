/**
 * The cache key inputs of COPY/ADD over a real context on disk: the source digest follows the
 * --exclude / --parents selection (a change to an excluded file keeps the key, a change to a
 * copied one changes it), and a heredoc's key follows its expanded content.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyInputOf } from './key-input.js';
import { tempDir } from '../helpers/temp-dir.js';

/** The key input of the Dockerfile's first instruction after FROM, in `dir`, with ENV `env`. */
async function keyOf(dir: string, line: string, env: string[] = []) {
  return keyInputOf(dir, line, { env });
}

const TREE = { Dockerfile: '', 'src/keep.ts': 'k', 'src/skip.md': 's', 'x/a/file.txt': 'a', 'x/b/other.txt': 'o' };

describe('COPY/ADD cache key inputs', () => {
  it('--exclude: an excluded file does not change the key, a copied one does', async () => {
    await using dir = await tempDir(TREE);
    for (const line of ['COPY --exclude=*.md src /dst/', 'ADD --exclude=*.md src /dst/']) {
      const before = await keyOf(dir.path, line);
      writeFileSync(join(dir.path, 'src/skip.md'), 'changed');
      expect(await keyOf(dir.path, line), line).toBe(before);
      writeFileSync(join(dir.path, 'src/keep.ts'), `changed ${line}`);
      expect(await keyOf(dir.path, line), line).not.toBe(before);
    }
  });

  it('--parents: only the matches are inputs', async () => {
    await using dir = await tempDir(TREE);
    const line = 'COPY --parents x/*/file.txt /dst/';
    const before = await keyOf(dir.path, line);
    writeFileSync(join(dir.path, 'x/b/other.txt'), 'changed');
    expect(await keyOf(dir.path, line)).toBe(before);
    writeFileSync(join(dir.path, 'x/a/file.txt'), 'changed');
    expect(await keyOf(dir.path, line)).not.toBe(before);
    expect(await keyOf(dir.path, 'COPY x/*/file.txt /dst/')).not.toBe(await keyOf(dir.path, line));
  });

  it('a heredoc: its body and the environment it expands with are in the key', async () => {
    await using dir = await tempDir(TREE);
    const line = 'COPY <<EOF /f\n$NAME\nEOF';
    const base = await keyOf(dir.path, line, ['NAME=a']);
    expect(await keyOf(dir.path, line, ['NAME=a'])).toBe(base);
    expect(await keyOf(dir.path, line, ['NAME=b'])).not.toBe(base);
    expect(await keyOf(dir.path, 'COPY <<EOF /f\n$NAME!\nEOF', ['NAME=a'])).not.toBe(base);
  });
});
