/**
 * COPY/ADD `--exclude` and COPY `--parents` through bin/tsbuild, on the examples of Docker's
 * Dockerfile reference: `--exclude=*.txt hom* /mydir/` (repeatable; relative to each source; a
 * wildcard's own matches excluded too), `--parents ./x/a.txt ./y/a.txt /parents/` keeping
 * `x/` and `y/`, and the `/./` pivot (`./x/./y/*.txt` lands at `/parents/y/*.txt`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { E2eHarness } from '../build/e2e-harness.js';

let h: E2eHarness;
beforeAll(async () => {
  h = await E2eHarness.start();
});
afterAll(async () => {
  await h?.stop();
});

const TREE = {
  'homework.txt': 'txt',
  'home.md': 'md',
  'home.js': 'js',
  'hom/inner.txt': 'inner txt',
  'hom/inner.go': 'inner go',
  'hom/deep/skip.txt': 'deep txt',
  'x/a.txt': 'xa',
  'y/a.txt': 'ya',
  'x/y/a.txt': 'xya',
  'x/y/b.txt': 'xyb',
  'x/y/c.md': 'xyc',
  'pkgs/one/package.json': '1',
  'pkgs/one/index.js': 'i',
  'pkgs/two/package.json': '2',
};

const DOCKERFILE = `ARG BASE
FROM \${BASE}
ARG EXT=md
COPY --exclude=*.txt hom* /mydir/
COPY --exclude=*.txt --exclude=*.\${EXT} hom* /mydir2/
COPY --exclude=**/*.txt hom /tree/
ADD --exclude=*.txt hom* /added/
COPY ./x/a.txt ./y/a.txt /no_parents/
COPY --parents ./x/a.txt ./y/a.txt /parents/
COPY --parents ./x/./y/*.txt /pivot/
COPY --parents pkgs/*/package.json /app/
COPY --parents --exclude=**/b.txt x/./y /both/
`;

/** Every path below `dir`, sorted, directories with a trailing `/`. */
function listing(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .flatMap((e) => {
      const rel = prefix === '' ? e.name : `${prefix}/${e.name}`;
      return e.isDirectory() ? [`${rel}/`, ...listing(dir, rel)] : [rel];
    })
    .sort();
}

describe('COPY --exclude / --parents (e2e)', () => {
  it('copies what Docker documents for each example', async () => {
    const { run, rootfs } = await h.build({ ...TREE, Dockerfile: DOCKERFILE });
    expect(run.code, run.stderr).toBe(0);
    const at = (p: string) => join(rootfs, p);
    // A wildcard's matches are excluded by name; a matched directory's contents relative to it.
    // `*.txt` is a .dockerignore pattern: below a source it matches at the top level only.
    expect(listing(at('mydir'))).toEqual(['deep/', 'deep/skip.txt', 'home.js', 'home.md', 'inner.go']);
    expect(listing(at('mydir2'))).toEqual(['deep/', 'deep/skip.txt', 'home.js', 'inner.go']);
    expect(listing(at('tree'))).toEqual(['deep/', 'inner.go']);
    expect(listing(at('added'))).toEqual(['deep/', 'deep/skip.txt', 'home.js', 'home.md', 'inner.go']);
    expect(listing(at('no_parents'))).toEqual(['a.txt']);
    expect(readFileSync(at('no_parents/a.txt'), 'utf8')).toBe('ya');
    expect(listing(at('parents'))).toEqual(['x/', 'x/a.txt', 'y/', 'y/a.txt']);
    expect(readFileSync(at('parents/x/a.txt'), 'utf8')).toBe('xa');
    expect(listing(at('pivot'))).toEqual(['y/', 'y/a.txt', 'y/b.txt']);
    expect(listing(at('app'))).toEqual(['pkgs/', 'pkgs/one/', 'pkgs/one/package.json', 'pkgs/two/', 'pkgs/two/package.json']);
    expect(listing(at('both'))).toEqual(['y/', 'y/a.txt', 'y/c.md']);
    expect(lstatSync(at('parents/x')).mode & 0o7777).toBe(lstatSync(at('parents/y')).mode & 0o7777);
    expect(existsSync(at('parents/a.txt'))).toBe(false);
  });

  it('fails at the line when a literal --parents source is missing', async () => {
    const { run } = await h.build({ ...TREE, Dockerfile: 'ARG BASE\nFROM ${BASE}\nCOPY --parents x/missing.txt /p/\n' });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/Dockerfile:3/);
    expect(run.stderr).toMatch(/missing\.txt/);
  });
});
