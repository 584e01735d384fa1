/** The layer-tar test scenario: a base tree, a RUN-like change of every kind, and a tree describer. */
import { execFileSync } from 'node:child_process';
import { chmod, chown, link, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { diffScans, scanTree } from '../../src/snapshot/index.js';
import { tempDir } from '../helpers/temp-dir.js';

const tick = () => new Promise((r) => setTimeout(r, 20));
export const LONG = `deep/${'d'.repeat(90)}/${'n'.repeat(120)}`;
export const BIG = randomBytes(3 * 1024 * 1024 + 17);

/** A base tree, then what a RUN might do to it: every kind of entry and change. */
async function runLike(root: string): Promise<void> {
  const at = (p: string) => join(root, p);
  await writeFile(at('etc/modified'), 'new content');
  await rm(at('etc/gone'));
  await rm(at('var/cache'), { recursive: true });
  await mkdir(at('opt/app/bin'), { recursive: true });
  await writeFile(at('opt/app/bin/run'), '#!/bin/sh\necho hi\n');
  await chmod(at('opt/app/bin/run'), 0o4755);
  await writeFile(at('opt/app/secret'), 's');
  await chmod(at('opt/app/secret'), 0o000);
  await symlink('app/bin/run', at('opt/run'));
  await writeFile(at('usr/lib/a'), 'shared');
  await link(at('usr/lib/a'), at('usr/lib/b'));
  await link(at('usr/lib/a'), at('usr/bin-z'));
  execFileSync('mkfifo', [at('opt/fifo')]);
  execFileSync('mknod', [at('opt/null'), 'c', '1', '3']);
  await writeFile(at('home/user/file'), 'u');
  await chown(at('home/user/file'), 1000, 1001);
  await writeFile(at('home/user/big-uid'), 'b');
  await chown(at('home/user/big-uid'), 3_000_000, 4_000_000);
  await mkdir(join(root, LONG, '..'), { recursive: true });
  await writeFile(at(LONG), 'long');
  await writeFile(at('opt/café'), 'non-ascii');
  await writeFile(at('opt/big.bin'), BIG);
  await rm(at('home/user/.cache'), { recursive: true });
  await rm(at('x/dir-to-file'), { recursive: true });
  await writeFile(at('x/dir-to-file'), 'was a dir');
  await rm(at('x/file-to-dir'));
  await mkdir(at('x/file-to-dir'));
  await writeFile(at('x/file-to-dir/inner'), 'i');
}

/** The tree, a copy of it before the change, and the change set; removed on dispose. */
export async function scenario() {
  const dir = await tempDir({
    'etc/modified': 'old',
    'etc/gone': 'bye',
    'etc/kept': 'same',
    'var/cache/apt/pkg': 'p',
    'var/log/x': 'x',
    'usr/lib/.keep': '',
    'home/user/.cache/c': 'c',
    'x/dir-to-file/child': 'c',
    'x/file-to-dir': 'f',
  });
  const copy = `${dir.path}-before`;
  let changes;
  try {
    await mkdir(join(dir.path, 'opt'));
    execFileSync('cp', ['-a', dir.path, copy]);
    const before = await scanTree(dir.path);
    await tick();
    await runLike(dir.path);
    changes = diffScans(before, await scanTree(dir.path));
  } catch (error) {
    await rm(copy, { recursive: true, force: true });
    await dir[Symbol.asyncDispose]();
    throw error;
  }
  return {
    root: dir.path,
    copy,
    changes,
    async [Symbol.asyncDispose]() {
      await rm(copy, { recursive: true, force: true });
      await dir[Symbol.asyncDispose]();
    },
  };
}

/** An independent description of a tree: GNU find's view plus content hashes. */
export function describeTree(root: string): string {
  const find = execFileSync(
    'find',
    [root, '-mindepth', '1', '-printf', '%P|%y|%m|%U|%G|%s|%n|%l|%y%Ts\\n'],
    { encoding: 'utf8' },
  );
  const lines = find
    .trim()
    .split('\n')
    .map((l) => {
      // Directory mtimes move as whiteouts are applied; compare them for files only.
      const [rest, mtime] = [l.slice(0, l.lastIndexOf('|') + 1), l.slice(l.lastIndexOf('|') + 1)];
      const kind = mtime[0];
      const size = kind === 'd' ? rest.replace(/\|\d+\|(\d+)\|([^|]*)\|$/, '|-|$1|$2|') : rest;
      const p = l.slice(0, l.indexOf('|'));
      const hash = kind === 'f' ? createHash('sha256').update(readFileSync(join(root, p))).digest('hex') : '';
      return `${size}${kind === 'f' ? mtime : kind}|${hash}`;
    });
  return lines.sort().join('\n');
}
