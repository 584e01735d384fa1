/**
 * COPY source digests over real files, matched by the real context code: stable when nothing a
 * COPY would write changes (mtimes, source owners, ignored files), different when anything does.
 */
import { chmod, chown, link, symlink, utimes, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceDigest, type SourceDigestOptions } from '../../src/cache/index.js';
import { openContext, resolveCopySources } from '../../src/context/index.js';
import { seededBytes } from '../helpers/random-image.js';
import { tempDir } from '../helpers/temp-dir.js';

const TREE = {
  'Dockerfile': 'FROM scratch\n',
  '.dockerignore': 'app/secret.txt\n',
  'app/main.js': 'console.log("hi")\n',
  'app/lib/util.js': 'export const x = 1;\n',
  'app/secret.txt': 'password\n',
  'README.md': '# readme\n',
};

async function digestOf(dir: string, patterns: string[], opts: SourceDigestOptions = { dest: '/app/' }): Promise<string> {
  const ctx = await openContext(dir, { dockerfilePath: 'Dockerfile' });
  return sourceDigest(await resolveCopySources(ctx, patterns), opts);
}

describe('sourceDigest', () => {
  it('is stable, and ignores mtimes, source owners and ignored files', async () => {
    await using dir = await tempDir(TREE);
    const before = await digestOf(dir.path, ['app']);
    expect(before).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(await digestOf(dir.path, ['app'])).toBe(before);
    await utimes(join(dir.path, 'app/main.js'), new Date('2001-01-01'), new Date('2001-01-01'));
    await utimes(join(dir.path, 'app/lib'), new Date('2002-01-01'), new Date('2002-01-01'));
    await chown(join(dir.path, 'app/main.js'), 1000, 1000);
    await writeFile(join(dir.path, 'app/secret.txt'), 'another password\n');
    await writeFile(join(dir.path, 'README.md'), 'not copied\n');
    expect(await digestOf(dir.path, ['app'])).toBe(before);
  });

  it.each<[string, (dir: string) => Promise<unknown>]>([
    ['file content', (d) => writeFile(join(d, 'app/main.js'), 'console.log("bye")\n')],
    ['file mode', (d) => chmod(join(d, 'app/main.js'), 0o755)],
    ['directory mode', (d) => chmod(join(d, 'app/lib'), 0o700)],
    ['a new file', (d) => writeFile(join(d, 'app/new.js'), '')],
    ['a removed file', (d) => rm(join(d, 'app/lib/util.js'))],
    ['a renamed file', async (d) => { await rm(join(d, 'app/lib/util.js')); await writeFile(join(d, 'app/lib/util2.js'), 'export const x = 1;\n'); }],
    ['a file replaced by a symlink', async (d) => { await rm(join(d, 'app/main.js')); await symlink('lib/util.js', join(d, 'app/main.js')); }],
    ['a file turned into a hardlink of another', async (d) => { await rm(join(d, 'app/main.js')); await writeFile(join(d, 'app/lib/util.js'), 'console.log("hi")\n'); await link(join(d, 'app/lib/util.js'), join(d, 'app/main.js')); }],
  ])('changes with %s', async (_what, change) => {
    await using dir = await tempDir(TREE);
    const before = await digestOf(dir.path, ['app']);
    await change(dir.path);
    expect(await digestOf(dir.path, ['app'])).not.toBe(before);
  });

  it('changes with a symlink target, dest, --chown and --chmod', async () => {
    await using dir = await tempDir(TREE);
    await symlink('main.js', join(dir.path, 'app/link'));
    const before = await digestOf(dir.path, ['app']);
    expect(await digestOf(dir.path, ['app'], { dest: '/srv/' })).not.toBe(before);
    expect(await digestOf(dir.path, ['app'], { dest: '/app/', chown: '1000:1000' })).not.toBe(before);
    expect(await digestOf(dir.path, ['app'], { dest: '/app/', chmod: '0755' })).not.toBe(before);
    await rm(join(dir.path, 'app/link'));
    await symlink('lib/util.js', join(dir.path, 'app/link'));
    expect(await digestOf(dir.path, ['app'])).not.toBe(before);
  });

  it('depends on source order (a later source overwrites an earlier one) and on source names', async () => {
    await using dir = await tempDir({ ...TREE, 'a/x.txt': 'a\n', 'b/x.txt': 'b\n' });
    const ab = await digestOf(dir.path, ['a', 'b']);
    expect(await digestOf(dir.path, ['b', 'a'])).not.toBe(ab);
    expect(await digestOf(dir.path, ['a/x.txt'], { dest: '/x.txt' })).not.toBe(await digestOf(dir.path, ['b/x.txt'], { dest: '/x.txt' }));
  });

  it('streams big files with a bounded pool', async () => {
    await using dir = await tempDir(TREE);
    for (let i = 0; i < 20; i++) await writeFile(join(dir.path, `app/blob${i}.bin`), seededBytes(`blob${i}`, 128 * 1024));
    const one = await digestOf(dir.path, ['app'], { dest: '/app/', concurrency: 1 });
    expect(await digestOf(dir.path, ['app'], { dest: '/app/', concurrency: 6 })).toBe(one);
    await writeFile(join(dir.path, 'app/blob7.bin'), seededBytes('other', 128 * 1024));
    expect(await digestOf(dir.path, ['app'], { dest: '/app/', concurrency: 6 })).not.toBe(one);
  });
});
