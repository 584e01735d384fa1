import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { lstatSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { layerTar, type ChangeSet } from '../../src/snapshot/index.js';
import { tempDir } from '../helpers/temp-dir.js';
import { collect, readTar } from './read-tar.js';
import { BIG, describeTree, LONG, scenario } from './scenario.js';

describe('layerTar', () => {
  it('writes sorted entries, parents, whiteouts before siblings, hardlinks and exact headers', async () => {
    await using s = await scenario();
    const entries = await readTar(layerTar(s.root, s.changes));
    expect(entries.map((e) => e.name)).toEqual([
      'deep/',
      `deep/${'d'.repeat(90)}/`,
      LONG,
      'etc/',
      'etc/.wh.gone',
      'etc/modified',
      'home/',
      'home/user/',
      'home/user/.wh..cache',
      'home/user/big-uid',
      'home/user/file',
      'opt/',
      'opt/app/',
      'opt/app/bin/',
      'opt/app/bin/run',
      'opt/app/secret',
      'opt/big.bin',
      'opt/café',
      'opt/fifo',
      'opt/null',
      'opt/run',
      'usr/',
      'usr/bin-z',
      'usr/lib/',
      'usr/lib/a',
      'usr/lib/b',
      'var/',
      'var/.wh.cache',
      'x/',
      'x/dir-to-file',
      'x/file-to-dir/',
      'x/file-to-dir/inner',
    ]);
    const byName = new Map(entries.map((e) => [e.name, e]));
    for (const e of entries) {
      expect(e.uname).toBe('');
      expect(e.gname).toBe('');
      expect(Number.isInteger(e.mtime)).toBe(true);
      expect(e.name.startsWith('/')).toBe(false);
    }
    expect(byName.get('etc/.wh.gone')).toMatchObject({ type: 'file', size: 0, mode: 0, uid: 0, gid: 0, mtime: 0 });
    expect(byName.get('etc/modified')).toMatchObject({ type: 'file', content: 'new content', mode: 0o644 });
    expect(byName.get('opt/app/bin/run')!.mode).toBe(0o4755);
    expect(byName.get('opt/app/secret')!.mode).toBe(0);
    expect(byName.get('opt/run')).toMatchObject({ type: 'symlink', linkname: 'app/bin/run', size: 0 });
    // The first name of an inode in sorted order carries the content; the others link to it.
    expect(byName.get('usr/bin-z')).toMatchObject({ type: 'file', content: 'shared' });
    expect(byName.get('usr/lib/a')).toMatchObject({ type: 'link', linkname: 'usr/bin-z', size: 0 });
    expect(byName.get('usr/lib/b')).toMatchObject({ type: 'link', linkname: 'usr/bin-z' });
    expect(byName.get('opt/fifo')!.type).toBe('fifo');
    expect(byName.get('opt/null')).toMatchObject({ type: 'character-device', devmajor: 1, devminor: 3 });
    expect(byName.get('home/user/file')).toMatchObject({ uid: 1000, gid: 1001, pax: null });
    // Above USTAR's 7 octal digits the ids go in PAX records (tar-stream's reader ignores them;
    // the GNU tar round trip below checks they are applied).
    expect(byName.get('home/user/big-uid')!.pax).toEqual({ gid: '4000000', uid: '3000000' });
    expect(byName.get(LONG)).toMatchObject({ content: 'long', pax: { path: LONG } });
    expect(byName.get('opt/café')).toMatchObject({ content: 'non-ascii', pax: { path: 'opt/café' } });
    expect(byName.get('opt/big.bin')).toMatchObject({ size: BIG.length, sha256: createHash('sha256').update(BIG).digest('hex') });
    expect(byName.get('etc/')).toMatchObject({ type: 'directory', pax: null });
  });

  it('clamps mtimes to clampMtime', async () => {
    await using s = await scenario();
    const entries = await readTar(layerTar(s.root, s.changes, { clampMtime: 1_000_000 }));
    expect(new Set(entries.map((e) => e.mtime))).toEqual(new Set([0, 1_000_000]));
  });

  it('is byte-identical for the same tree, tarred twice or copied elsewhere', async () => {
    await using s = await scenario();
    const first = await collect(layerTar(s.root, s.changes));
    const second = await collect(layerTar(s.root, s.changes));
    expect(second.equals(first)).toBe(true);
    const elsewhere = `${s.root}-copy`;
    execFileSync('cp', ['-a', s.root, elsewhere]);
    try {
      expect((await collect(layerTar(elsewhere, s.changes))).equals(first)).toBe(true);
    } finally {
      await rm(elsewhere, { recursive: true });
    }
    expect(first.length % 512).toBe(0);
    expect(first.subarray(-1024).every((b) => b === 0)).toBe(true);
  });

  it('applied by GNU tar over the before-tree (plus whiteouts) gives the after-tree', async () => {
    await using s = await scenario();
    const tarFile = `${s.copy}.tar`;
    await writeFile(tarFile, await collect(layerTar(s.root, s.changes)));
    try {
      // What an OCI applier does and GNU tar does not: an entry whose type differs from the path
      // it lands on replaces that path, a directory with all it holds (layer.md).
      for (const e of await readTar(readFileSync(tarFile))) {
        const target = join(s.copy, e.name.replace(/\/$/, ''));
        const existing = lstatSync(target, { throwIfNoEntry: false });
        if (existing !== undefined && existing.isDirectory() !== (e.type === 'directory')) {
          await rm(target, { recursive: true });
        }
      }
      execFileSync('tar', ['-x', '-p', '--numeric-owner', '-C', s.copy, '-f', tarFile]);
      const listing = execFileSync('tar', ['-t', '-f', tarFile], { encoding: 'utf8' });
      for (const marker of listing.split('\n').filter((n) => /(^|\/)\.wh\./.test(n))) {
        const target = marker.replace(/(^|\/)\.wh\.([^/]+)$/, '$1$2');
        await rm(join(s.copy, target), { recursive: true, force: true });
        await rm(join(s.copy, marker));
      }
      expect(describeTree(s.copy)).toEqual(describeTree(s.root));
    } finally {
      await rm(tarFile, { force: true });
    }
  });

  it('refuses a changed path named like a whiteout', async () => {
    await using dir = await tempDir({ 'a/.wh.x': '' });
    const changes: ChangeSet = { changed: ['/a/.wh.x'], deleted: [] };
    await expect(collect(layerTar(dir.path, changes))).rejects.toMatchObject({ code: 'TSB_LAYER_INVALID' });
  });
});

