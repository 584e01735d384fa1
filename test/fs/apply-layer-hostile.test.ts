/**
 * Hostile layers (DESIGN rule 3): every way a tar can try to write outside the rootfs. Each test
 * puts a victim directory next to the root and proves it is byte-for-byte untouched afterwards.
 */
import { lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyLayer } from '../../src/fs/index.js';
import { silentLogger } from '../../src/log/index.js';
import { tempDir } from '../helpers/temp-dir.js';
import { layerTar, listTree, type TarSpec } from './fs-fixtures.js';

const options = { canChown: true, canMknod: true, logger: silentLogger() };

async function withVictim(run: (root: string, outside: string) => Promise<void>): Promise<void> {
  await using dir = await tempDir({ 'outside/victim': 'original', 'outside/sub/file': 'keep', 'root/.keep': '' });
  const outside = join(dir.path, 'outside');
  const before = listTree(outside);
  await run(join(dir.path, 'root'), outside);
  expect(listTree(outside)).toEqual(before);
  expect(readFileSync(join(outside, 'victim'), 'utf8')).toBe('original');
  expect(listTree(dir.path).filter((line) => !/ (root|outside)(\/|$| )/.test(line))).toEqual([]);
}

async function apply(root: string, entries: readonly TarSpec[]) {
  return applyLayer(root, await layerTar(entries), options);
}

describe('applyLayer against hostile tars', () => {
  it('rejects relative names that climb out of the root', async () => {
    await withVictim(async (root) => {
      for (const name of ['../outside/victim', 'a/../../outside/victim', '..', './../x']) {
        await expect(apply(root, [{ name, content: 'pwned' }]), name).rejects.toMatchObject({ code: 'TSB_PATH_ESCAPE' });
      }
    });
  });

  it('roots absolute names inside the root, clamping .. at it', async () => {
    await withVictim(async (root, outside) => {
      await apply(root, [
        { name: '/etc/passwd', content: 'root:x:0:0::/root:/bin/sh\n' },
        { name: '/../../../evil', content: 'contained' },
        { name: `${outside}/victim`, content: 'contained' },
      ]);
      expect(readFileSync(join(root, 'etc/passwd'), 'utf8')).toMatch(/^root:/);
      expect(readFileSync(join(root, 'evil'), 'utf8')).toBe('contained');
      expect(readFileSync(join(root, outside, 'victim'), 'utf8')).toBe('contained');
    });
  });

  it('writes through a planted symlink inside the root, never through to the host', async () => {
    await withVictim(async (root, outside) => {
      await apply(root, [
        { name: 'rel', type: 'symlink', linkname: '../../../../../../outside' },
        { name: 'abs', type: 'symlink', linkname: outside },
        { name: 'slash', type: 'symlink', linkname: '/' },
        { name: 'rel/victim', content: 'pwned' },
        { name: 'abs/victim', content: 'pwned' },
        { name: 'abs/sub/', type: 'directory', mode: 0o777 },
        { name: 'slash/outside/sub/file', content: 'pwned' },
      ]);
      expect(readFileSync(join(root, 'outside/victim'), 'utf8')).toBe('pwned');
      expect(readFileSync(join(root, outside, 'victim'), 'utf8')).toBe('pwned');
      expect(lstatSync(join(root, outside, 'sub')).mode & 0o7777).toBe(0o777);
      expect(readFileSync(join(root, 'outside/sub/file'), 'utf8')).toBe('pwned');
    });
  });

  it('keeps hardlinks inside the root', async () => {
    await withVictim(async (root, outside) => {
      await expect(apply(root, [{ name: 'h', type: 'link', linkname: '../outside/victim' }])).rejects.toMatchObject({ code: 'TSB_PATH_ESCAPE' });
      // An absolute host path names a path inside the root, which does not exist.
      await expect(apply(root, [{ name: 'h', type: 'link', linkname: `${outside}/victim` }])).rejects.toMatchObject({ code: 'TSB_LAYER_INVALID' });
      // Through a symlinked parent the target resolves inside the root as well.
      mkdirSync(join(root, 'outside'));
      await apply(root, [
        { name: 'outside/victim', content: 'inside copy' },
        { name: 'up', type: 'symlink', linkname: '../../outside' },
        { name: 'h', type: 'link', linkname: 'up/victim' },
      ]);
      expect(lstatSync(join(root, 'h')).ino).toBe(lstatSync(join(root, 'outside/victim')).ino);
      // A hardlink to a symlink links the symlink itself; nothing is followed.
      await apply(root, [
        { name: 'to-host', type: 'symlink', linkname: `${outside}/victim` },
        { name: 'h2', type: 'link', linkname: 'to-host' },
        { name: 'h2', content: 'replaces the link, not its target' },
      ]);
      expect(readlinkSync(join(root, 'to-host'))).toBe(`${outside}/victim`);
      expect(readFileSync(join(root, 'h2'), 'utf8')).toBe('replaces the link, not its target');
    });
  });

  it('replaces a symlink that points at the host instead of writing through it', async () => {
    await withVictim(async (root, outside) => {
      symlinkSync(join(outside, 'victim'), join(root, 'link'));
      symlinkSync(outside, join(root, 'dirlink'));
      await apply(root, [
        { name: 'link', content: 'new file' },
        { name: 'dirlink/', type: 'directory', mode: 0o700 },
      ]);
      expect(readFileSync(join(root, 'link'), 'utf8')).toBe('new file');
      expect(lstatSync(join(root, 'dirlink')).isDirectory()).toBe(true);
    });
  });

  it('keeps whiteouts and opaque markers behind symlinks inside the root', async () => {
    await withVictim(async (root, outside) => {
      symlinkSync(outside, join(root, 'abs'));
      symlinkSync('../../outside', join(root, 'rel'));
      await apply(root, [
        { name: 'abs/.wh.victim', content: '' },
        { name: 'rel/.wh.sub', content: '' },
        { name: 'abs/.wh..wh..opq', content: '' },
      ]);
      expect(lstatSync(join(root, 'abs')).isSymbolicLink()).toBe(true);
      // A whiteout naming `..` or `.` would remove the parent of its directory: of the root, here.
      for (const name of ['.wh...', '.wh..', 'etc/.wh.', 'abs/.wh...']) {
        await expect(apply(root, [{ name, content: '' }]), name).rejects.toMatchObject({ code: 'TSB_LAYER_INVALID' });
      }
      expect(lstatSync(root).isDirectory()).toBe(true);
    });
  });

  it('does not let device or fifo entries escape either', async () => {
    await withVictim(async (root) => {
      symlinkSync('/../..', join(root, 'up'));
      await apply(root, [
        { name: 'up/outside/fifo', type: 'fifo' },
        { name: 'up/outside/null', type: 'character-device', devmajor: 1, devminor: 3 },
      ]);
      expect(lstatSync(join(root, 'outside/fifo')).isFIFO()).toBe(true);
      expect(lstatSync(join(root, 'outside/null')).isCharacterDevice()).toBe(true);
    });
  });
});
