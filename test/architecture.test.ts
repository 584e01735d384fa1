/**
 * DESIGN §2 as a test: imports point up the module table, other folders are imported only
 * through their index.ts, nothing imports cli/, and only cli/ and sandbox/ touch the process.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';

const ORDER = ['oci', 'log', 'registry', 'image', 'fs', 'snapshot', 'sandbox', 'dockerfile', 'context', 'cache', 'build', 'cli'];
const SRC = resolve(import.meta.dirname, '../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const moduleOf = (file: string) => relative(SRC, file).split('/')[0]!;
/** Source text without comments, so prose that names `process.env` is not a finding. */
const code = (file: string) => readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
const files = sourceFiles(SRC);
const imports = files.flatMap((file) =>
  [...readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]/gm)].map((m) => ({
    file: relative(SRC, file),
    from: moduleOf(file),
    target: resolve(dirname(file), m[1]!),
  })),
);

describe('module boundaries', () => {
  it('knows every folder under src/', () => {
    expect(ORDER).toEqual(expect.arrayContaining([...new Set(files.map(moduleOf))]));
  });

  it('imports only modules above in DESIGN order', () => {
    const bad = imports
      .filter((i) => ORDER.indexOf(moduleOf(i.target)) > ORDER.indexOf(i.from))
      .map((i) => `${i.file} → ${relative(SRC, i.target)}`);
    expect(bad).toEqual([]);
  });

  it('imports other modules only through their index', () => {
    const bad = imports
      .filter((i) => moduleOf(i.target) !== i.from && relative(SRC, i.target).split('/').slice(1).join('/') !== 'index.js')
      .map((i) => `${i.file} → ${relative(SRC, i.target)}`);
    expect(bad).toEqual([]);
  });

  it('keeps process access in cli/ and sandbox/', () => {
    const bad = files
      .filter((f) => !['cli', 'sandbox'].includes(moduleOf(f)))
      .filter((f) => /\bprocess\.(env|argv|cwd|exit|stdout|stderr)\b|\bconsole\./.test(code(f)))
      .map((f) => relative(SRC, f));
    expect(bad).toEqual([]);
  });

  it('has no grab-bag file names', () => {
    expect(files.filter((f) => /\/(utils?|helpers?|common|misc)\.ts$/.test(f))).toEqual([]);
  });
});
