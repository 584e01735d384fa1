import { describe, expect, it } from 'vitest';
import { openContext, resolveCopySources, type CopySourceOptions } from '../../src/context/index.js';
import { tempDir } from '../helpers/temp-dir.js';

const tree = {
  Dockerfile: 'FROM scratch\n',
  '.dockerignore': 'secret.txt\n',
  'README.md': 'r',
  'homework.txt': 'h',
  'home.js': 'j',
  'secret.txt': 's',
  'dir1/a.1': '',
  'dir1/a.2': '',
  'dir1/dir2/a.1': '',
  'dir1/dir2/a.2': '',
  'dir1/docs/keep.md': '',
  'dir1/docs/drop.md': '',
  'x/a/file.txt': 'a',
  'x/b/file.txt': 'b',
  'x/b/other.txt': 'o',
  'x/c/nothing': '',
};

async function sources(patterns: string[], options: CopySourceOptions) {
  await using dir = await tempDir(tree);
  const ctx = await openContext(dir.path, { dockerfilePath: 'Dockerfile' });
  const found = await resolveCopySources(ctx, patterns, options);
  return found.map((s) => ({ name: s.name, isDir: s.isDir, rels: s.entries.map((e) => e.rel), host: s.hostPath.slice(ctx.dir.length) }));
}

describe('COPY --exclude', () => {
  it('matches relative to the source, .dockerignore style: *.1 only at its top level, **/*.1 at every level', async () => {
    expect((await sources(['dir1'], { exclude: ['*.1'] }))[0]?.rels).toEqual([
      '', 'a.2', 'dir2', 'dir2/a.1', 'dir2/a.2', 'docs', 'docs/drop.md', 'docs/keep.md',
    ]);
    expect((await sources(['dir1'], { exclude: ['**/*.1', 'docs'] }))[0]?.rels).toEqual(['', 'a.2', 'dir2', 'dir2/a.2']);
  });

  it('keeps what a ! pattern re-includes under an excluded directory, and the directory leading to it', async () => {
    expect((await sources(['dir1'], { exclude: ['docs', '!docs/keep.md', 'dir2'] }))[0]?.rels).toEqual(['', 'a.1', 'a.2', 'docs', 'docs/keep.md']);
  });

  it('drops wildcard matches it excludes (COPY --exclude=*.txt hom* /mydir/), literal sources are copied whole', async () => {
    expect((await sources(['hom*'], { exclude: ['*.txt'] })).map((s) => s.name)).toEqual(['home.js']);
    expect((await sources(['dir1/*'], { exclude: ['a.*'] })).map((s) => s.name)).toEqual(['dir1/dir2', 'dir1/docs']);
    expect((await sources(['homework.txt'], { exclude: ['*.txt'] })).map((s) => s.name)).toEqual(['homework.txt']);
  });

  it('still applies .dockerignore, whatever --exclude says', async () => {
    const all = await sources(['.'], { exclude: ['!secret.txt', 'dir1', 'x'] });
    expect(all[0]?.rels).toEqual(['', '.dockerignore', 'Dockerfile', 'README.md', 'home.js', 'homework.txt']);
  });
});

describe('COPY --parents', () => {
  it('without a pivot keeps each match at its full path below the context root', async () => {
    expect(await sources(['x/*/file.txt'], { parents: true })).toEqual([
      { name: '.', isDir: true, host: '', rels: ['', 'x', 'x/a', 'x/a/file.txt', 'x/b', 'x/b/file.txt'] },
    ]);
  });

  it('with a /./ pivot keeps the path below the pivot only', async () => {
    expect(await sources(['./x/./*/file.txt', 'dir1/./dir2'], { parents: true })).toEqual([
      { name: 'x', isDir: true, host: '/x', rels: ['', 'a', 'a/file.txt', 'b', 'b/file.txt'] },
      { name: 'dir1', isDir: true, host: '/dir1', rels: ['', 'dir2', 'dir2/a.1', 'dir2/a.2'] },
    ]);
  });

  it('combines with --exclude, relative to the pivot', async () => {
    const [src] = await sources(['x/./**'], { parents: true, exclude: ['**/other.txt'] });
    expect(src?.rels).toEqual(['', 'a', 'a/file.txt', 'b', 'b/file.txt', 'c', 'c/nothing']);
  });

  it('fails for a missing literal source and a pivot that is not a directory', async () => {
    await expect(sources(['x/./missing'], { parents: true })).rejects.toMatchObject({ code: 'TSB_COPY_SOURCE' });
    await expect(sources(['README.md/./x'], { parents: true })).rejects.toThrow(/is not a directory/);
  });
});
