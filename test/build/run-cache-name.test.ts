/** Cache-mount ids to directory names: one flat name per id, never the root, its parent or a reserved dot-name. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheNameOf } from '../../src/build/mounts/cache-mount.js';

describe('cache mount names', () => {
  it('keeps every id inside the cache root, one level down', () => {
    for (const id of ['.', '..', '.locks', '../x', '/root/.cache', 'a/b', 'go-build']) {
      const name = cacheNameOf(id);
      expect(name, id).not.toMatch(/^\.|\//);
      expect(join('/cache', name).startsWith('/cache/'), id).toBe(true);
    }
    expect(cacheNameOf('/root/.cache')).toBe('%2Froot%2F.cache');
    expect(cacheNameOf('go-build')).toBe('go-build');
    expect(new Set(['.', '%2E', '..'].map(cacheNameOf)).size).toBe(3);
  });
});
