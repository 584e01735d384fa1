import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, linkSync, lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyIntoRoot } from '../../src/fs/index.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';
import { copySourceOf, listTree } from './fs-fixtures.js';

const OLD = new Date(1_500_000_000_000);

/** A build context with owners, modes and mtimes worth preserving (or resetting). */
async function context(): Promise<TempDir> {
  const dir = await tempDir({ 'app.sh': '#!/bin/sh\n', 'notes.txt': 'n', 'src/main.c': 'int main;', 'src/lib/util.h': '#pragma once' });
  symlinkSync('main.c', join(dir.path, 'src/link.c'));
  linkSync(join(dir.path, 'src/main.c'), join(dir.path, 'src/hard.c'));
  for (const rel of ['app.sh', 'notes.txt', 'src/main.c', 'src/lib/util.h', 'src/lib', 'src']) {
    chownSync(join(dir.path, rel), 1234, 1234);
    utimesSync(join(dir.path, rel), OLD, OLD);
  }
  // After chown, which clears setuid.
  chmodSync(join(dir.path, 'app.sh'), 0o4755);
  chmodSync(join(dir.path, 'src/lib'), 0o750);
  return dir;
}

const stat = (root: string, path: string) => lstatSync(join(root, path));

describe('copyIntoRoot: destinations', () => {
  it('copies a file to a new path, creating parents 0755 root-owned, resetting the owner to 0:0', async () => {
    await using ctx = await context();
    await using root = await tempDir();
    const changed = await copyIntoRoot(root.path, [copySourceOf(ctx.path, 'app.sh')], '/opt/tools/run', { workdir: '/' });
    expect(changed).toEqual(['/opt', '/opt/tools', '/opt/tools/run']);
    const run = stat(root.path, 'opt/tools/run');
    expect([run.mode & 0o7777, run.uid, run.gid, run.mtimeMs]).toEqual([0o4755, 0, 0, OLD.getTime()]);
    expect(stat(root.path, 'opt/tools').mode & 0o7777).toBe(0o755);
  });

  it('puts a file into a directory dest: trailing slash, ".", an existing dir, or one reached by a symlink', async () => {
    await using ctx = await context();
    await using root = await tempDir({ 'real/.keep': '', 'work/.keep': '' });
    symlinkSync('/real', join(root.path, 'via-link'));
    const source = [copySourceOf(ctx.path, 'src/main.c')];
    expect(await copyIntoRoot(root.path, source, 'new/', { workdir: '/work' })).toEqual(['/work/new', '/work/new/main.c']);
    expect(await copyIntoRoot(root.path, source, '.', { workdir: '/work' })).toEqual(['/work/main.c']);
    expect(await copyIntoRoot(root.path, source, '/real', { workdir: '/' })).toEqual(['/real/main.c']);
    expect(await copyIntoRoot(root.path, source, '/via-link', { workdir: '/' })).toEqual(['/real/main.c']);
    expect(lstatSync(join(root.path, 'via-link')).isSymbolicLink()).toBe(true);
  });

  it('requires a directory dest ending in / for several sources', async () => {
    await using ctx = await context();
    await using root = await tempDir();
    const sources = [copySourceOf(ctx.path, 'app.sh'), copySourceOf(ctx.path, 'notes.txt')];
    await expect(copyIntoRoot(root.path, sources, '/dest', { workdir: '/' })).rejects.toMatchObject({
      code: 'TSB_COPY_SOURCE',
      message: expect.stringContaining('must be a directory and end with a /'),
    });
    expect(await copyIntoRoot(root.path, sources, '/dest/', { workdir: '/' })).toEqual(['/dest', '/dest/app.sh', '/dest/notes.txt']);
    await expect(copyIntoRoot(root.path, [], '/dest/', { workdir: '/' })).rejects.toMatchObject({ code: 'TSB_COPY_SOURCE' });
  });

  it('copies a directory source as its contents, keeping modes, mtimes, symlinks and hardlinks', async () => {
    await using ctx = await context();
    await using root = await tempDir();
    const changed = await copyIntoRoot(root.path, [copySourceOf(ctx.path, 'src')], 'code', { workdir: '/usr/local' });
    expect(changed).toEqual([
      '/usr', '/usr/local', '/usr/local/code', '/usr/local/code/hard.c', '/usr/local/code/lib',
      '/usr/local/code/lib/util.h', '/usr/local/code/link.c', '/usr/local/code/main.c',
    ]);
    const base = 'usr/local/code';
    // A destination the copy creates is a copy of the source directory (fsutil copyDirectoryOnly
    // creates it with the source's mode, then copies its file info); its parents are made 0755.
    expect(stat(root.path, base).mode & 0o7777).toBe(stat(ctx.path, 'src').mode & 0o7777);
    expect(stat(root.path, base).mtimeMs).toBe(OLD.getTime());
    expect(stat(root.path, 'usr/local').mode & 0o7777).toBe(0o755);
    expect([stat(root.path, `${base}/lib`).mode & 0o7777, stat(root.path, `${base}/lib`).mtimeMs]).toEqual([0o750, OLD.getTime()]);
    expect(readlinkSync(join(root.path, base, 'link.c'))).toBe('main.c');
    expect(stat(root.path, `${base}/hard.c`).ino).toBe(stat(root.path, `${base}/main.c`).ino);
    expect(stat(root.path, `${base}/lib/util.h`).uid).toBe(0);
  });

  it('applies --chown to files, links, dirs and created parents, and --chmod to files and dirs', async () => {
    await using ctx = await context();
    await using root = await tempDir({ 'existing/.keep': '' });
    await copyIntoRoot(root.path, [copySourceOf(ctx.path, 'src')], '/existing/a/b/', { workdir: '/', chown: { uid: 1000, gid: 2000 }, chmod: 0o700 });
    for (const path of ['existing/a', 'existing/a/b', 'existing/a/b/lib', 'existing/a/b/main.c', 'existing/a/b/link.c']) {
      expect([stat(root.path, path).uid, stat(root.path, path).gid], path).toEqual([1000, 2000]);
    }
    expect(stat(root.path, 'existing').uid).toBe(0);
    expect(stat(root.path, 'existing/a').mode & 0o7777).toBe(0o755);
    expect(stat(root.path, 'existing/a/b/lib').mode & 0o7777).toBe(0o700);
    expect(stat(root.path, 'existing/a/b/lib/util.h').mode & 0o7777).toBe(0o700);
  });

  it('replaces existing files, refuses to turn a directory into a file or copy a directory onto a link', async () => {
    await using ctx = await context();
    await using root = await tempDir({ 'dest/main.c': 'old', 'dest/lib/x': 'x', 'other/.keep': '' });
    await copyIntoRoot(root.path, [copySourceOf(ctx.path, 'src/main.c')], '/dest/', { workdir: '/' });
    expect(readFileSync(join(root.path, 'dest/main.c'), 'utf8')).toBe('int main;');
    mkdirSync(join(root.path, 'dest/notes.txt'));
    await expect(copyIntoRoot(root.path, [copySourceOf(ctx.path, 'notes.txt')], '/dest/notes.txt/x/..', { workdir: '/' })).resolves.toEqual(['/dest/notes.txt/notes.txt']);
    symlinkSync('/other', join(root.path, 'linked'));
    writeFileSync(join(root.path, 'dest/file'), 'kept');
    await expect(copyIntoRoot(root.path, [copySourceOf(ctx.path, 'notes.txt')], '/dest/file/', { workdir: '/' })).rejects.toThrow(/cannot copy to non-directory: \/dest\/file/);
    expect(readFileSync(join(root.path, 'dest/file'), 'utf8')).toBe('kept');
    await expect(copyIntoRoot(root.path, [copySourceOf(ctx.path, 'src')], '/dest/file', { workdir: '/' })).rejects.toThrow(/cannot copy to non-directory/);
    mkdirSync(join(root.path, 'tree'));
    symlinkSync('/other', join(root.path, 'tree/lib'));
    await expect(copyIntoRoot(root.path, [copySourceOf(ctx.path, 'src')], '/tree', { workdir: '/' })).rejects.toThrow(/cannot copy to non-directory: \/tree\/lib/);
    mkdirSync(join(root.path, 'tree2/main.c'), { recursive: true });
    await expect(copyIntoRoot(root.path, [copySourceOf(ctx.path, 'src')], '/tree2', { workdir: '/' })).rejects.toThrow(/cannot replace directory \/tree2\/main.c/);
  });

  it('never writes outside the root, whatever links and .. in the dest say', async () => {
    await using ctx = await context();
    await using host = await tempDir({ 'outside/victim': 'original', 'root/.keep': '' });
    const root = join(host.path, 'root');
    const outside = join(host.path, 'outside');
    symlinkSync(outside, join(root, 'abs'));
    symlinkSync('../../outside', join(root, 'rel'));
    symlinkSync(join(outside, 'victim'), join(root, 'victim-link'));
    const before = listTree(outside);
    const file = [copySourceOf(ctx.path, 'notes.txt')];
    // The link's absolute target is a path inside the root; its directories are made there.
    expect(await copyIntoRoot(root, file, '/abs/', { workdir: '/' })).toContain(`${outside}/notes.txt`);
    expect(readFileSync(join(root, outside, 'notes.txt'), 'utf8')).toBe('n');
    expect(await copyIntoRoot(root, file, 'rel/victim', { workdir: '/' })).toEqual(['/outside', '/outside/victim']);
    expect(await copyIntoRoot(root, file, '../../../escaped', { workdir: '/a' })).toEqual(['/escaped']);
    expect(await copyIntoRoot(root, [copySourceOf(ctx.path, 'src')], '/victim-link/', { workdir: '/' })).toContain(`${outside}/victim/main.c`);
    expect(listTree(outside)).toEqual(before);
    expect(readFileSync(join(outside, 'victim'), 'utf8')).toBe('original');
  });

  it('rejects malformed sources that would step out of the destination', async () => {
    await using ctx = await context();
    await using host = await tempDir({ 'root/.keep': '' });
    const root = join(host.path, 'root');
    const good = copySourceOf(ctx.path, 'src');
    const file = copySourceOf(ctx.path, 'notes.txt');
    const hostile = { ...good, entries: [good.entries[0]!, { ...file.entries[0]!, rel: '../escaped' }] };
    await expect(copyIntoRoot(root, [hostile], '/', { workdir: '/' })).rejects.toMatchObject({ code: 'TSB_INTERNAL' });
    await expect(copyIntoRoot(root, [{ ...file, name: 'dir/..' }], '/d/', { workdir: '/' })).rejects.toMatchObject({ code: 'TSB_INTERNAL' });
    expect(listTree(host.path).filter((line) => !line.includes(' root'))).toEqual([]);
  });
});

describe('copyIntoRoot: extended attributes', () => {
  it('keeps xattrs of copied files and directories, binary capabilities set after chown', async () => {
    await using src = await tempDir({ 'tree/bin/tool': 'x', 'tree/plain': 'p' });
    await using root = await tempDir();
    const cap = '0x01000002ffffffffffffffff0000000000000000';
    execFileSync('setfattr', ['-n', 'security.capability', '-v', cap, join(src.path, 'tree/bin/tool')]);
    execFileSync('setfattr', ['-n', 'user.dir', '-v', 'd', join(src.path, 'tree/bin')]);
    await copyIntoRoot(root.path, [copySourceOf(src.path, 'tree')], '/app/', { workdir: '/', chown: { uid: 1000, gid: 1000 } });
    const get = (p: string, name: string) =>
      execFileSync('getfattr', ['-h', '-n', name, '-e', 'hex', '--absolute-names', join(root.path, p)], { encoding: 'utf8' }).split('\n')[1];
    expect(get('app/bin/tool', 'security.capability')).toBe(`security.capability=${cap}`);
    expect(get('app/bin', 'user.dir')).toBe('user.dir=0x64');
    expect(execFileSync('getfattr', ['-d', '-m', '-', join(root.path, 'app/plain')], { encoding: 'utf8' })).toBe('');
  });
});
