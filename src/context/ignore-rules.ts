/**
 * Which files of the context are excluded. Like BuildKit, a `<Dockerfile>.dockerignore` next to
 * the Dockerfile (`app.Dockerfile.dockerignore`) replaces the context's `.dockerignore` when it
 * exists. The patterns follow Docker's rules: anchored at the context root, `**` for any depth,
 * `!` to re-include, the last matching line wins, and a file under an excluded directory is
 * excluded unless a later `!` line matches it.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { TsbuildError } from '../oci/index.js';
import { createIgnore } from './dockerignore-lib.js';

/** The exclusion rules of one build context. */
export interface IgnoreRules {
  /** The ignore file in effect, if any. */
  readonly file?: string;
  /** Its pattern lines, comments and blank lines dropped. */
  readonly patterns: readonly string[];
  /**
   * True when some pattern starts with `!`: an excluded directory must then still be walked,
   * because one of its descendants may be re-included.
   */
  readonly hasExceptions: boolean;
  /** True when the POSIX path `rel` (relative to the context root, not empty) is excluded. */
  ignores(rel: string): boolean;
}

/** Reads the ignore file that applies to a build with `dockerfilePath` in context `dir`. */
export async function readIgnoreRules(dir: string, dockerfilePath: string): Promise<IgnoreRules> {
  const candidates = [join(dirname(dockerfilePath), `${basename(dockerfilePath)}.dockerignore`), join(dir, '.dockerignore')];
  for (const file of candidates) {
    const text = await readIfExists(file);
    if (text !== undefined) return ignoreRules(parseIgnoreFile(text), file);
  }
  return ignoreRules([]);
}

/** Rules from pattern lines (the contents of an ignore file, one pattern per entry). */
export function ignoreRules(patterns: readonly string[], file?: string): IgnoreRules {
  const matcher = createIgnore({ ignorecase: false }).add([...patterns]);
  return {
    ...(file === undefined ? {} : { file }),
    patterns,
    hasExceptions: patterns.some((p) => p.startsWith('!')),
    ignores: (rel) => rel !== '' && matcher.ignores(rel),
  };
}

/** Docker's reading of an ignore file: a BOM dropped, lines trimmed, `#` lines and blanks skipped. */
export function parseIgnoreFile(text: string): string[] {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new TsbuildError('TSB_CONTEXT', `cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
}
