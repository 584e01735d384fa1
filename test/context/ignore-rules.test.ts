import { describe, expect, it } from 'vitest';
import { ignoreRules, openContext, parseIgnoreFile } from '../../src/context/index.js';
import { tempDir } from '../helpers/temp-dir.js';

/** `path | ignored?` for one .dockerignore, Docker's answers (moby fileutils / patternmatcher). */
const cases: { rules: string; ignored: string[]; kept: string[] }[] = [
  { rules: '*.log', ignored: ['a.log'], kept: ['dir/a.log', 'a.txt'] }, // root-anchored, unlike gitignore
  { rules: '**/*.log', ignored: ['a.log', 'dir/a.log', 'x/y/z.log'], kept: ['a.txt'] },
  { rules: '/build', ignored: ['build', 'build/out.o'], kept: ['src/build'] },
  { rules: 'dir', ignored: ['dir', 'dir/a', 'dir/b/c'], kept: ['dir2', 'other/dir'] },
  { rules: '*\n!keep.txt', ignored: ['a', 'dir/x'], kept: ['keep.txt'] },
  { rules: '!keep.txt\n*', ignored: ['keep.txt'], kept: [] }, // the last match wins
  { rules: 'docs\n!docs/README.md', ignored: ['docs', 'docs/a.md'], kept: ['docs/README.md'] },
  { rules: 'a/**/b', ignored: ['a/b', 'a/x/b', 'a/x/y/b', 'a/x/b/c'], kept: ['a/bb', 'b'] },
  { rules: '# comment\n\n  spaced.txt  \n./dot/../clean', ignored: ['spaced.txt', 'clean'], kept: ['# comment'] },
  { rules: 'Upper', ignored: ['Upper'], kept: ['upper'] }, // case-sensitive on Linux
  { rules: 'f?le\nx[0-9]', ignored: ['file', 'x5'], kept: ['fiile', 'xa'] },
];

describe('.dockerignore rules', () => {
  it.each(cases)('$rules', ({ rules, ignored, kept }) => {
    const r = ignoreRules(parseIgnoreFile(rules));
    for (const p of ignored) expect(r.ignores(p), p).toBe(true);
    for (const p of kept) expect(r.ignores(p), p).toBe(false);
  });

  it('strips a BOM and CRLF line ends, and records whether exceptions exist', () => {
    expect(parseIgnoreFile('\uFEFFa\r\n!b\r\n')).toEqual(['a', '!b']);
    expect(ignoreRules(['a', '!b']).hasExceptions).toBe(true);
    expect(ignoreRules(['a']).hasExceptions).toBe(false);
  });
});

describe('openContext', () => {
  it('reads .dockerignore at the context root', async () => {
    await using dir = await tempDir({ '.dockerignore': 'secret\n', Dockerfile: 'FROM scratch\n' });
    const ctx = await openContext(dir.path, { dockerfilePath: 'Dockerfile' });
    expect(ctx.ignore.patterns).toEqual(['secret']);
    expect(ctx.dockerfilePath).toBe(`${ctx.dir}/Dockerfile`);
  });

  it('prefers <Dockerfile>.dockerignore next to the Dockerfile (BuildKit)', async () => {
    await using dir = await tempDir({
      '.dockerignore': 'root-rule\n',
      'docker/app.Dockerfile': 'FROM scratch\n',
      'docker/app.Dockerfile.dockerignore': 'specific-rule\n',
    });
    const ctx = await openContext(dir.path, { dockerfilePath: `${dir.path}/docker/app.Dockerfile` });
    expect(ctx.ignore.patterns).toEqual(['specific-rule']);
    expect(ctx.ignore.file).toBe(`${dir.path}/docker/app.Dockerfile.dockerignore`);
    const other = await openContext(dir.path, { dockerfilePath: 'docker/other.Dockerfile' });
    expect(other.ignore.patterns).toEqual(['root-rule']);
  });

  it('has no rules without an ignore file, and rejects a missing or non-directory context', async () => {
    await using dir = await tempDir({ file: 'x' });
    expect((await openContext(dir.path, { dockerfilePath: 'Dockerfile' })).ignore.patterns).toEqual([]);
    await expect(openContext(`${dir.path}/missing`, { dockerfilePath: 'Dockerfile' })).rejects.toMatchObject({ code: 'TSB_CONTEXT' });
    await expect(openContext(`${dir.path}/file`, { dockerfilePath: 'Dockerfile' })).rejects.toThrow(/not a directory/);
  });
});
