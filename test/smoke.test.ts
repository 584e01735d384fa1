import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './helpers/temp-dir.js';

describe('tempDir', () => {
  it('creates the tree and removes it on dispose', async () => {
    let path = '';
    {
      await using dir = await tempDir({ 'a/b.txt': 'x' });
      path = dir.path;
      expect(existsSync(join(path, 'a/b.txt'))).toBe(true);
    }
    expect(existsSync(path)).toBe(false);
  });
});
