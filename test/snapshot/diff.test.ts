import { describe, expect, it } from 'vitest';
import { chmod, chown, link, mkdir, readFile, rename, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { diffScans, scanTree, type ChangeSet } from '../../src/snapshot/index.js';
import { tempDir } from '../helpers/temp-dir.js';

/** Lets the clock move past the scan, as a real RUN's start-up does, so ctimes can differ. */
const tick = () => new Promise((r) => setTimeout(r, 20));

interface Case {
  readonly name: string;
  readonly tree: Record<string, string>;
  readonly run: (root: string) => Promise<void>;
  readonly expected: ChangeSet;
}

const at = (root: string, p: string) => join(root, p);

const cases: Case[] = [
  {
    name: 'create, modify and delete files',
    tree: { 'etc/a': 'a', 'etc/b': 'b', 'etc/c': 'c' },
    run: async (r) => {
      await writeFile(at(r, 'etc/a'), 'changed');
      await rm(at(r, 'etc/b'));
      await writeFile(at(r, 'etc/new'), 'n');
    },
    expected: { changed: ['/etc', '/etc/a', '/etc/new'], deleted: ['/etc/b'] },
  },
  {
    name: 'a file replaced by a directory',
    tree: { 'x/f': 'file' },
    run: async (r) => {
      await rm(at(r, 'x/f'));
      await mkdir(at(r, 'x/f'));
      await writeFile(at(r, 'x/f/inner'), 'i');
    },
    expected: { changed: ['/x', '/x/f', '/x/f/inner'], deleted: [] },
  },
  {
    name: 'a directory replaced by a file (its old children need no whiteouts)',
    tree: { 'x/d/one': '1', 'x/d/sub/two': '2' },
    run: async (r) => {
      await rm(at(r, 'x/d'), { recursive: true });
      await writeFile(at(r, 'x/d'), 'now a file');
    },
    expected: { changed: ['/x', '/x/d'], deleted: [] },
  },
  {
    name: 'a directory replaced by a symlink',
    tree: { 'opt/app/bin/tool': 't', 'opt/app-2/tool': 't' },
    run: async (r) => {
      await rm(at(r, 'opt/app'), { recursive: true });
      await symlink('app-2', at(r, 'opt/app'));
    },
    expected: { changed: ['/opt', '/opt/app'], deleted: [] },
  },
  {
    name: 'a deleted base directory is one whiteout',
    tree: { 'var/cache/apt/a': 'a', 'var/cache/apt/b/c': 'c', 'var/keep': 'k' },
    run: async (r) => {
      await rm(at(r, 'var/cache'), { recursive: true });
    },
    expected: { changed: ['/var'], deleted: ['/var/cache'] },
  },
  {
    name: 'a directory deleted and recreated with other children',
    tree: { 'srv/d/old1': '1', 'srv/d/old2': '2' },
    run: async (r) => {
      const st = await stat(at(r, 'srv/d'));
      await rm(at(r, 'srv/d'), { recursive: true });
      await mkdir(at(r, 'srv/d'));
      await writeFile(at(r, 'srv/d/new'), 'n');
      await utimes(at(r, 'srv/d'), st.atime, st.mtime);
    },
    expected: { changed: ['/srv', '/srv/d', '/srv/d/new'], deleted: ['/srv/d/old1', '/srv/d/old2'] },
  },
  {
    name: 'a same-size rewrite with the mtime restored (caught by ctime)',
    tree: { 'etc/conf': 'aaaa' },
    run: async (r) => {
      const st = await stat(at(r, 'etc/conf'));
      await writeFile(at(r, 'etc/conf'), 'bbbb');
      await utimes(at(r, 'etc/conf'), st.atime, st.mtime);
    },
    expected: { changed: ['/etc/conf'], deleted: [] },
  },
  {
    name: 'chmod',
    tree: { 'bin/tool': 't' },
    run: (r) => chmod(at(r, 'bin/tool'), 0o755),
    expected: { changed: ['/bin/tool'], deleted: [] },
  },
  {
    name: 'chown of a directory',
    tree: { 'home/user/.profile': 'p' },
    run: (r) => chown(at(r, 'home/user'), 1000, 1000),
    expected: { changed: ['/home/user'], deleted: [] },
  },
  {
    name: 'a new hardlink changes both names (the inode’s ctime moves)',
    tree: { 'usr/bin/perl': 'perl' },
    run: (r) => link(at(r, 'usr/bin/perl'), at(r, 'usr/bin/perl5')),
    expected: { changed: ['/usr/bin', '/usr/bin/perl', '/usr/bin/perl5'], deleted: [] },
  },
  {
    name: 'a rename is a delete plus an add',
    tree: { 'a/old': 'x' },
    run: (r) => rename(at(r, 'a/old'), at(r, 'a/new')),
    expected: { changed: ['/a', '/a/new'], deleted: ['/a/old'] },
  },
  {
    name: 'reading changes nothing',
    tree: { 'etc/os-release': 'ID=test' },
    run: async (r) => {
      await readFile(at(r, 'etc/os-release'));
    },
    expected: { changed: [], deleted: [] },
  },
  {
    name: 'sorting is by component: a subtree before a sibling named dir-x',
    tree: { 'a/keep': 'k' },
    run: async (r) => {
      await writeFile(at(r, 'a-b'), '1');
      await mkdir(at(r, 'a/b'));
      await writeFile(at(r, 'a.c'), '2');
    },
    expected: { changed: ['/a', '/a/b', '/a-b', '/a.c'], deleted: [] },
  },
];

describe('diffScans on real trees', () => {
  it.each(cases)('$name', async ({ tree, run, expected }) => {
    await using dir = await tempDir(tree);
    const before = await scanTree(dir.path);
    await tick();
    await run(dir.path);
    expect(diffScans(before, await scanTree(dir.path))).toEqual(expected);
  });

  it('reports nothing for a directory whose ctime alone moved', async () => {
    await using dir = await tempDir({ 'd/f': 'f' });
    const before = await scanTree(dir.path);
    await tick();
    const st = await stat(at(dir.path, 'd'), { bigint: true });
    await writeFile(at(dir.path, 'd/tmp'), 't');
    await rm(at(dir.path, 'd/tmp'));
    // utimes() takes a double and loses nanoseconds; GNU touch restores the exact mtime.
    execFileSync('touch', ['-h', '-m', '-d', `@${st.mtimeNs / 1_000_000_000n}.${String(st.mtimeNs % 1_000_000_000n).padStart(9, '0')}`, at(dir.path, 'd')]);
    const after = await scanTree(dir.path);
    expect(after.entries.get('/d')!.ctimeNs).not.toBe(before.entries.get('/d')!.ctimeNs);
    expect(diffScans(before, after)).toEqual({ changed: [], deleted: [] });
  });
});
