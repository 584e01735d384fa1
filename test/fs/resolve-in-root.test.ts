import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { containerPathOf, resolveInRoot, resolveInRootSync } from '../../src/fs/index.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('resolveInRoot', () => {
  it('resolves plain paths and clamps .. at the root', async () => {
    await using dir = await tempDir({ 'root/etc/passwd': 'x' });
    const root = join(dir.path, 'root');
    expect(await resolveInRoot(root, '/')).toBe(root);
    expect(await resolveInRoot(root, '/etc/passwd')).toBe(join(root, 'etc/passwd'));
    expect(await resolveInRoot(root, '/../../../etc/./passwd')).toBe(join(root, 'etc/passwd'));
    expect(await resolveInRoot(root, '/etc/../../..')).toBe(root);
    expect(await resolveInRoot(root, '/missing/../etc')).toBe(join(root, 'etc'));
  });

  it('treats an absolute link target as relative to the root', async () => {
    await using dir = await tempDir({ 'root/real/file': 'x' });
    const root = join(dir.path, 'root');
    symlinkSync('/etc', join(root, 'etc-link'));
    symlinkSync('/real', join(root, 'abs'));
    expect(await resolveInRoot(root, '/etc-link/passwd')).toBe(join(root, 'etc/passwd'));
    expect(await resolveInRoot(root, '/abs/file')).toBe(join(root, 'real/file'));
  });

  it('clamps relative .. chains in link targets at the root', async () => {
    await using dir = await tempDir({ 'root/a/b/keep': 'x' });
    const root = join(dir.path, 'root');
    symlinkSync('../../../../../../../../tmp', join(root, 'a/b/up'));
    symlinkSync('../b/keep', join(root, 'a/b/sibling'));
    expect(await resolveInRoot(root, '/a/b/up')).toBe(join(root, 'tmp'));
    expect(await resolveInRoot(root, '/a/b/up/x/..')).toBe(join(root, 'tmp'));
    expect(await resolveInRoot(root, '/a/b/sibling')).toBe(join(root, 'a/b/keep'));
  });

  it('follows chains of links and leaves the final link alone when asked', async () => {
    await using dir = await tempDir({ 'root/target/f': 'x' });
    const root = join(dir.path, 'root');
    symlinkSync('l2', join(root, 'l1'));
    symlinkSync('/l3', join(root, 'l2'));
    symlinkSync('target', join(root, 'l3'));
    expect(await resolveInRoot(root, '/l1/f')).toBe(join(root, 'target/f'));
    expect(await resolveInRoot(root, '/l1')).toBe(join(root, 'target'));
    expect(await resolveInRoot(root, '/l1', { followFinal: false })).toBe(join(root, 'l1'));
    expect(resolveInRootSync(root, '/l1/f', { followFinal: false })).toBe(join(root, 'target/f'));
  });

  it('resolves dangling links to where they point, inside the root', async () => {
    await using dir = await tempDir({ 'root/.keep': '' });
    const root = join(dir.path, 'root');
    symlinkSync('/nowhere/deeper', join(root, 'dangling'));
    expect(await resolveInRoot(root, '/dangling')).toBe(join(root, 'nowhere/deeper'));
    expect(await resolveInRoot(root, '/dangling/x')).toBe(join(root, 'nowhere/deeper/x'));
  });

  it('treats a file used as a directory lexically', async () => {
    await using dir = await tempDir({ 'root/file': 'x' });
    const root = join(dir.path, 'root');
    expect(await resolveInRoot(root, '/file/sub/..')).toBe(join(root, 'file'));
  });

  it('fails on link loops instead of spinning', async () => {
    await using dir = await tempDir({ 'root/.keep': '' });
    const root = join(dir.path, 'root');
    symlinkSync('b', join(root, 'a'));
    symlinkSync('a', join(root, 'b'));
    symlinkSync('self/x', join(root, 'self'));
    await expect(resolveInRoot(root, '/a')).rejects.toMatchObject({ code: 'TSB_PATH_ESCAPE' });
    await expect(resolveInRoot(root, '/self')).rejects.toThrow(/too many levels of symbolic links/);
  });

  it('never returns a path outside the root, whatever the links say', async () => {
    await using dir = await tempDir({ 'root/.keep': '', 'outside/secret': 's' });
    const root = join(dir.path, 'root');
    mkdirSync(join(root, 'd'));
    symlinkSync(join(dir.path, 'outside'), join(root, 'd/host-abs'));
    symlinkSync('../../outside', join(root, 'd/host-rel'));
    writeFileSync(join(root, 'd/plain'), '');
    for (const path of ['/d/host-abs/secret', '/d/host-rel/secret', '/d/host-rel/../../..', '/../outside/secret']) {
      const host = await resolveInRoot(root, path);
      expect(host === root || host.startsWith(`${root}/`), `${path} → ${host}`).toBe(true);
    }
    expect(await resolveInRoot(root, '/d/host-rel/secret')).toBe(join(root, 'outside/secret'));
  });

  it('rejects relative container paths as a caller bug', async () => {
    await using dir = await tempDir();
    await expect(resolveInRoot(dir.path, 'etc/passwd')).rejects.toMatchObject({ code: 'TSB_INTERNAL' });
  });

  it('maps host paths back to container paths', async () => {
    await using dir = await tempDir();
    expect(containerPathOf(dir.path, dir.path)).toBe('/');
    expect(containerPathOf(dir.path, join(dir.path, 'a/b'))).toBe('/a/b');
    expect(() => containerPathOf(join(dir.path, 'r'), dir.path)).toThrow(/not inside/);
  });
});
