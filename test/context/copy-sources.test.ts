import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openContext, resolveCopySources } from '../../src/context/index.js';
import { tempDir } from '../helpers/temp-dir.js';

const tree = {
  Dockerfile: 'FROM scratch\n',
  'a.txt': 'a',
  'b.txt': 'b',
  'c.md': 'c',
  'src/main.js': 'm',
  'src/lib/util.js': 'u',
  'src/lib/z.js': 'z',
  'src/B.js': 'B',
  'pkg/one/package.json': '1',
  'pkg/two/package.json': '2',
  'pkg/two/README': 'r',
};

async function context(extra: Record<string, string> = {}) {
  const dir = await tempDir({ ...tree, ...extra });
  const ctx = await openContext(dir.path, { dockerfilePath: 'Dockerfile' });
  return { dir, ctx };
}

/** name → the rel paths of each source's entries. */
const summary = (sources: Awaited<ReturnType<typeof resolveCopySources>>) =>
  sources.map((s) => ({ name: s.name, isDir: s.isDir, rels: s.entries.map((e) => e.rel) }));

describe('resolveCopySources', () => {
  it('walks a directory: parents first, children sorted by name, deterministic', async () => {
    const { dir, ctx } = await context();
    await using _ = dir;
    const [src] = await resolveCopySources(ctx, ['src']);
    expect(summary([src!])).toEqual([
      { name: 'src', isDir: true, rels: ['', 'B.js', 'lib', 'lib/util.js', 'lib/z.js', 'main.js'] },
    ]);
    expect(src!.hostPath).toBe(join(ctx.dir, 'src'));
    expect(src!.entries[3]!.stats.isFile()).toBe(true);
  });

  it('cleans patterns: a leading /, ./ and .. inside the context; . is the whole context', async () => {
    const { dir, ctx } = await context();
    await using _ = dir;
    const sources = await resolveCopySources(ctx, ['/a.txt', './src/../b.txt', 'src/lib/', '.']);
    expect(sources.map((s) => s.name)).toEqual(['a.txt', 'b.txt', 'src/lib', '.']);
    expect(sources[3]!.entries.map((e) => e.rel)).toContain('pkg/two/README');
  });

  it('expands wildcards per component in walk order, and a wildcard may match nothing', async () => {
    const { dir, ctx } = await context();
    await using _ = dir;
    const sources = await resolveCopySources(ctx, ['*.txt', 'pkg/*/package.json', 'src/[a-z]*.js', 'nothing*', 'src/lib/?.js']);
    expect(sources.map((s) => s.name)).toEqual(['a.txt', 'b.txt', 'pkg/one/package.json', 'pkg/two/package.json', 'src/main.js', 'src/lib/z.js']);
  });

  it('names the missing source: a literal path, and the literal directory before a wildcard', async () => {
    const { dir, ctx } = await context();
    await using _ = dir;
    await expect(resolveCopySources(ctx, ['a.txt', 'missing.txt'])).rejects.toMatchObject({
      code: 'TSB_COPY_SOURCE',
      message: expect.stringContaining('"missing.txt"'),
    });
    await expect(resolveCopySources(ctx, ['nodir/*.js'])).rejects.toMatchObject({ code: 'TSB_COPY_SOURCE' });
    await expect(resolveCopySources(ctx, ['a.txt/'])).rejects.toMatchObject({ code: 'TSB_COPY_SOURCE' });
    await expect(resolveCopySources(ctx, ['[z-a]'])).rejects.toThrow(/bad COPY source pattern/);
  });

  it('refuses sources outside the context', async () => {
    const { dir, ctx } = await context();
    await using _ = dir;
    await expect(resolveCopySources(ctx, ['../x'])).rejects.toMatchObject({ code: 'TSB_CONTEXT' });
    await expect(resolveCopySources(ctx, ['src/../../x'])).rejects.toMatchObject({ code: 'TSB_CONTEXT' });
  });

  it('applies .dockerignore: excluded sources are not found, walks skip them, exceptions re-include', async () => {
    const { dir, ctx } = await context({ '.dockerignore': '*.md\nsrc/lib\n!src/lib/z.js\npkg\n' });
    await using _ = dir;
    await expect(resolveCopySources(ctx, ['c.md'])).rejects.toThrow(/not found in the build context \(excluded by \.dockerignore\)/);
    await expect(resolveCopySources(ctx, ['pkg'])).rejects.toMatchObject({ code: 'TSB_COPY_SOURCE' });
    expect((await resolveCopySources(ctx, ['*.md'])).length).toBe(0);
    // The literal directory before a wildcard must exist in the filtered context (BuildKit: lstat error).
    await expect(resolveCopySources(ctx, ['pkg/*'])).rejects.toMatchObject({ code: 'TSB_COPY_SOURCE' });
    const [src] = await resolveCopySources(ctx, ['src']);
    expect(src!.entries.map((e) => e.rel)).toEqual(['', 'B.js', 'lib', 'lib/z.js', 'main.js']);
    const [all] = await resolveCopySources(ctx, ['.']);
    expect(all!.entries.map((e) => e.rel)).toEqual(['', '.dockerignore', 'Dockerfile', 'a.txt', 'b.txt', 'src', 'src/B.js', 'src/lib', 'src/lib/z.js', 'src/main.js']);
    expect((await resolveCopySources(ctx, ['src/lib/z.js'])).map((s) => s.name)).toEqual(['src/lib/z.js']);
  });

  it('shows an excluded directory only when a descendant is re-included', async () => {
    const { dir, ctx } = await context({ '.dockerignore': 'pkg\n!pkg/two/README\n' });
    await using _ = dir;
    const [pkg] = await resolveCopySources(ctx, ['pkg']);
    expect(pkg!.entries.map((e) => e.rel)).toEqual(['', 'two', 'two/README']);
    await expect(resolveCopySources(ctx, ['pkg/one'])).rejects.toMatchObject({ code: 'TSB_COPY_SOURCE' });
  });

  it('keeps symlinks inside directory trees as symlinks, and follows a symlink named as the source', async () => {
    const { dir, ctx } = await context();
    await using _ = dir;
    symlinkSync('../a.txt', join(dir.path, 'src/link-to-a'));
    symlinkSync('src/lib', join(dir.path, 'libdir'));
    const [src] = await resolveCopySources(ctx, ['src']);
    const link = src!.entries.find((e) => e.rel === 'link-to-a')!;
    expect(link.stats.isSymbolicLink()).toBe(true);

    const [file] = await resolveCopySources(ctx, ['src/link-to-a']);
    expect(file).toMatchObject({ name: 'src/link-to-a', isDir: false, hostPath: join(ctx.dir, 'a.txt') });
    expect(file!.entries[0]!.stats.isFile()).toBe(true);

    const [viaLink] = await resolveCopySources(ctx, ['libdir']);
    expect(viaLink).toMatchObject({ name: 'libdir', isDir: true, hostPath: join(ctx.dir, 'src/lib') });
    expect(viaLink!.entries.map((e) => e.rel)).toEqual(['', 'util.js', 'z.js']);
    expect((await resolveCopySources(ctx, ['libdir/util.js']))[0]!.hostPath).toBe(join(ctx.dir, 'src/lib/util.js'));
  });

  it('refuses to follow a symlink out of the context; a dangling link is not found', async () => {
    const { dir, ctx } = await context();
    await using _ = dir;
    symlinkSync('/etc/passwd', join(dir.path, 'abs'));
    symlinkSync('../../outside', join(dir.path, 'src/up'));
    symlinkSync('nowhere', join(dir.path, 'dangling'));
    mkdirSync(join(dir.path, 'keep'));
    symlinkSync('/etc', join(dir.path, 'keep/etc'));
    await expect(resolveCopySources(ctx, ['abs'])).rejects.toMatchObject({ code: 'TSB_CONTEXT', message: expect.stringContaining('/etc/passwd') });
    await expect(resolveCopySources(ctx, ['src/up'])).rejects.toMatchObject({ code: 'TSB_CONTEXT' });
    await expect(resolveCopySources(ctx, ['keep/etc/passwd'])).rejects.toMatchObject({ code: 'TSB_CONTEXT' });
    await expect(resolveCopySources(ctx, ['dangling'])).rejects.toMatchObject({ code: 'TSB_COPY_SOURCE' });
    // Copied as part of a tree, an outward link is just a symlink entry: it is never followed.
    const [keep] = await resolveCopySources(ctx, ['keep']);
    expect(keep!.entries.map((e) => [e.rel, e.stats.isSymbolicLink()])).toEqual([['', false], ['etc', true]]);
  });
});
