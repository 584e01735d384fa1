import { describe, expect, it } from 'vitest';
import { chmod, link, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { scanTree, updateScan, diffScans } from '../../src/snapshot/index.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('scanTree', () => {
  it('records every path with type, owner, size and link target, without following symlinks', async () => {
    await using dir = await tempDir({ 'etc/passwd': 'root:x:0:0\n', 'usr/bin/tool': '#!/bin/sh\n' });
    await symlink('/etc', join(dir.path, 'link-to-etc'));
    await symlink('../../etc/passwd', join(dir.path, 'usr/bin/pw'));
    await link(join(dir.path, 'etc/passwd'), join(dir.path, 'etc/passwd-'));
    execFileSync('mkfifo', [join(dir.path, 'fifo')]);
    await chmod(join(dir.path, 'usr/bin/tool'), 0o4755);

    const scan = await scanTree(dir.path);
    expect([...scan.entries.keys()].sort()).toEqual(
      ['/etc', '/etc/passwd', '/etc/passwd-', '/fifo', '/link-to-etc', '/usr', '/usr/bin', '/usr/bin/pw', '/usr/bin/tool'].sort(),
    );
    const passwd = scan.entries.get('/etc/passwd')!;
    expect(passwd).toMatchObject({ type: 'file', size: 11, nlink: 2, uid: 0, gid: 0, linkTarget: null });
    expect(scan.entries.get('/etc/passwd-')!.ino).toBe(passwd.ino);
    expect(scan.entries.get('/link-to-etc')).toMatchObject({ type: 'symlink', linkTarget: '/etc' });
    expect(scan.entries.get('/usr/bin/pw')!.linkTarget).toBe('../../etc/passwd');
    expect(scan.entries.get('/usr/bin/tool')!.mode & 0o7777).toBe(0o4755);
    expect(scan.entries.get('/fifo')!.type).toBe('fifo');
    expect(scan.entries.get('/etc')!.type).toBe('dir');
    expect(typeof passwd.mtimeNs).toBe('bigint');
  });

  it('leaves excluded paths and their subtrees out', async () => {
    await using dir = await tempDir({ 'work/a': '1', 'work/sub/b': '2', 'keep/c': '3', 'workshop/d': '4' });
    const scan = await scanTree(dir.path, { exclude: new Set(['/work']) });
    expect([...scan.entries.keys()].sort()).toEqual(['/keep', '/keep/c', '/workshop', '/workshop/d']);
  });

  it('scans an empty root as empty', async () => {
    await using dir = await tempDir();
    expect((await scanTree(dir.path)).entries.size).toBe(0);
  });
});

describe('updateScan', () => {
  it('re-reads only the given paths and their parents, so the next diff starts from disk', async () => {
    await using dir = await tempDir({ 'app/old/x': '1', 'app/keep': 'k', 'other/y': 'y' });
    const before = await scanTree(dir.path);
    await new Promise((r) => setTimeout(r, 20));
    // What a COPY would do: replace one subtree, add a file; it reports the paths it wrote.
    await rm(join(dir.path, 'app/old'), { recursive: true });
    await mkdir(join(dir.path, 'app/new'));
    await writeFile(join(dir.path, 'app/new/z'), 'z');
    const updated = await updateScan(before, dir.path, ['/app/old', '/app/new', 'app/new/z']);
    expect(updated.entries.has('/app/old')).toBe(false);
    expect(updated.entries.has('/app/old/x')).toBe(false);
    expect(updated.entries.get('/app/new/z')).toMatchObject({ type: 'file', size: 1 });
    // The scan now matches the disk: a fresh scan shows no difference, parents included.
    expect(diffScans(updated, await scanTree(dir.path))).toEqual({ changed: [], deleted: [] });
    expect(before.entries.has('/app/old/x')).toBe(true);
  });

  it('keeps the scan’s exclusions', async () => {
    await using dir = await tempDir({ 'a/b': '1' });
    const before = await scanTree(dir.path, { exclude: new Set(['/a/skip']) });
    await mkdir(join(dir.path, 'a/skip'));
    await writeFile(join(dir.path, 'a/skip/f'), 'f');
    const updated = await updateScan(before, dir.path, ['/a']);
    expect([...updated.entries.keys()].sort()).toEqual(['/a', '/a/b']);
  });
});
