/**
 * ADD's archive extraction: merged into the destination, contained in it (names, hardlinks and
 * symlinks resolve below the destination), no whiteout processing, owners from the archive or
 * --chown, and the written paths reported for the layer.
 */
import { describe, expect, it } from 'vitest';
import { lstatSync, mkdirSync, readFileSync, readlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { extractArchive } from '../../src/fs/index.js';
import { tempDir } from '../helpers/temp-dir.js';
import { layerTar } from './fs-fixtures.js';

describe('extractArchive', () => {
  it('merges into the destination, keeps owners and modes, and writes .wh. names as files', async () => {
    await using root = await tempDir({ 'dest/existing.txt': 'kept\n', 'etc/passwd': 'host-like\n' });
    const tar = await layerTar([
      { name: 'pkg/', type: 'directory', mode: 0o750, uid: 1000, gid: 1000 },
      { name: 'pkg/a.txt', content: 'a\n', mode: 0o640, uid: 1000, gid: 29 },
      { name: 'pkg/hard', type: 'link', linkname: 'pkg/a.txt', mode: 0o640, uid: 1000, gid: 29 },
      { name: '/abs/b.txt', content: 'b\n' },
      { name: 'pkg/.wh.a.txt', content: 'not a whiteout\n' },
      { name: 'pkg/.wh..wh..opq', content: '' },
    ]);
    const paths = await extractArchive(root.path, '/dest', tar, { canMknod: false });
    const at = (p: string) => join(root.path, p);
    expect(readFileSync(at('dest/existing.txt'), 'utf8')).toBe('kept\n');
    expect(readFileSync(at('dest/pkg/a.txt'), 'utf8')).toBe('a\n');
    expect([lstatSync(at('dest/pkg/a.txt')).uid, lstatSync(at('dest/pkg/a.txt')).gid]).toEqual([1000, 29]);
    expect(lstatSync(at('dest/pkg')).mode & 0o7777).toBe(0o750);
    expect(lstatSync(at('dest/pkg/hard')).ino).toBe(lstatSync(at('dest/pkg/a.txt')).ino);
    expect(readFileSync(at('dest/abs/b.txt'), 'utf8')).toBe('b\n');
    expect(existsSync(at('dest/pkg/.wh.a.txt'))).toBe(true);
    expect(existsSync(at('dest/pkg/.wh..wh..opq'))).toBe(true);
    expect(paths).toContain('/dest/pkg/a.txt');
    expect(paths).toContain('/dest/abs/b.txt');
    expect(paths).not.toContain('/dest/existing.txt');
  });

  it('creates a missing destination with the --chown owner and applies it to every entry', async () => {
    await using root = await tempDir();
    const tar = await layerTar([{ name: 'f', content: 'f\n', uid: 7, gid: 7 }]);
    const paths = await extractArchive(root.path, '/new/dir', tar, { canMknod: false, chown: { uid: 1000, gid: 10 } });
    expect(paths).toEqual(['/new', '/new/dir', '/new/dir/f']);
    for (const p of ['new', 'new/dir', 'new/dir/f']) expect([lstatSync(join(root.path, p)).uid, lstatSync(join(root.path, p)).gid]).toEqual([1000, 10]);
    expect(lstatSync(join(root.path, 'new/dir')).mode & 0o7777).toBe(0o755);
  });

  it('never writes above the destination: absolute symlinks resolve inside it and ../ names fail', async () => {
    await using root = await tempDir({ 'etc/passwd': 'root-file\n' });
    const tar = await layerTar([
      { name: 'etc', type: 'symlink', linkname: '/' },
      { name: 'etc/passwd', content: 'written below dest\n' },
      { name: 'up', type: 'symlink', linkname: '../../..' },
      { name: 'up/escaped', content: 'x\n' },
    ]);
    await extractArchive(root.path, '/dest', tar, { canMknod: false });
    expect(readFileSync(join(root.path, 'etc/passwd'), 'utf8')).toBe('root-file\n');
    expect(readlinkSync(join(root.path, 'dest/etc'))).toBe('/');
    expect(readFileSync(join(root.path, 'dest/passwd'), 'utf8')).toBe('written below dest\n');
    expect(readFileSync(join(root.path, 'dest/escaped'), 'utf8')).toBe('x\n');
    await expect(extractArchive(root.path, '/dest', await layerTar([{ name: '../evil', content: 'x' }]), { canMknod: false })).rejects.toMatchObject({
      code: 'TSB_PATH_ESCAPE',
    });
  });

  it('refuses a destination that is a file', async () => {
    await using root = await tempDir();
    mkdirSync(join(root.path, 'd'));
    writeFileSync(join(root.path, 'd/file'), 'x');
    await expect(extractArchive(root.path, '/d/file', await layerTar([{ name: 'a', content: 'a' }]), { canMknod: false })).rejects.toMatchObject({
      code: 'TSB_COPY_SOURCE',
    });
  });
});
