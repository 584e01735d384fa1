import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyLayer } from '../../src/fs/index.js';
import { silentLogger } from '../../src/log/index.js';
import { tempDir } from '../helpers/temp-dir.js';
import { layerTar, listTree, type TarSpec } from './fs-fixtures.js';

const asRoot = { canChown: true, canMknod: true, logger: silentLogger() };

async function apply(root: string, entries: readonly TarSpec[]) {
  return applyLayer(root, await layerTar(entries), asRoot);
}

describe('applyLayer: whiteouts', () => {
  it('deletes what a .wh. entry names and never creates the marker', async () => {
    await using dir = await tempDir({ 'etc/gone': 'x', 'etc/stay': 'y', 'var/cache/a/b': 'z' });
    const stats = await apply(dir.path, [
      { name: 'etc/.wh.gone', content: '' },
      { name: 'var/.wh.cache', content: '' },
      { name: 'var/.wh.never-existed', content: '' },
    ]);
    expect(stats.whiteouts).toBe(3);
    expect(listTree(dir.path)).toEqual(['d etc 755 4096', 'f etc/stay 644 1', 'd var 755 4096']);
  });

  it('spares what the same layer wrote, as whiteouts only hide lower layers', async () => {
    await using dir = await tempDir({ 'd/lower': 'l' });
    await apply(dir.path, [
      { name: 'd/upper', content: 'u' },
      { name: '.wh.d', content: '' },
    ]);
    expect(listTree(join(dir.path, 'd'))).toEqual(['f upper 644 1']);
  });

  for (const order of ['marker first', 'marker last'] as const) {
    it(`empties an opaque directory of lower content only (${order})`, async () => {
      await using dir = await tempDir({ 'app/old': 'o', 'app/sub/old': 'o', 'app/gone/deep/x': 'x', 'other/keep': 'k' });
      const marker: TarSpec = { name: 'app/.wh..wh..opq', content: '' };
      const layer: TarSpec[] = [
        { name: 'app/', type: 'directory' },
        { name: 'app/new', content: 'n' },
        { name: 'app/sub/', type: 'directory' },
        { name: 'app/sub/new', content: 'n' },
      ];
      await apply(dir.path, order === 'marker first' ? [layer[0] as TarSpec, marker, ...layer.slice(1)] : [...layer, marker]);
      expect(listTree(join(dir.path, 'app'))).toEqual(['f new 644 1', 'd sub 755 4096', 'f sub/new 644 1']);
      expect(readFileSync(join(dir.path, 'other/keep'), 'utf8')).toBe('k');
    });
  }

  it('skips aufs metadata entries', async () => {
    await using dir = await tempDir({ 'a/x': 'x' });
    await apply(dir.path, [{ name: '.wh..wh.plnk/', type: 'directory' }, { name: '.wh..wh.aufs', content: '' }]);
    expect(listTree(dir.path)).toEqual(['d a 755 4096', 'f a/x 644 1']);
  });
});
