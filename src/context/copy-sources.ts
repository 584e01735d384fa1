/**
 * COPY sources from the build context, with BuildKit's rules (`AllowWildcard`,
 * `AllowEmptyWildcard`, `FollowSymlinks` in its Dockerfile frontend):
 * - a source is relative to the context root, a leading `/` included, and cleaned;
 * - a literal source that does not exist, or that .dockerignore excludes, is an error;
 * - a source with wildcards may match nothing (BuildKit copies nothing for it), but the literal
 *   directories before its first wildcard must exist;
 * - each matched source is followed if it is a symlink, inside the context only; the trees of
 *   directory sources keep their symlinks as symlinks;
 * - `..` that would climb out of the context is an error (the classic builder's "forbidden path
 *   outside the build context"), not silently clamped to the root.
 */
import { posix } from 'node:path';
import type { CopySource } from '../fs/index.js';
import { TsbuildError } from '../oci/index.js';
import type { SourceTree } from './source-tree.js';
import { excludeEntries } from './exclude-entries.js';
import { hasWildcard } from './go-glob.js';
import { ignoreRules, type IgnoreRules } from './ignore-rules.js';
import { matchWildcards } from './match-wildcards.js';
import { type ContextPath, resolveInContext } from './resolve-in-context.js';
import { parentsSource } from './parents-source.js';
import { isVisible, walkSource } from './walk-source.js';

/** What COPY/ADD flags change in source matching. */
export interface CopySourceOptions {
  /** `--exclude` patterns (`.dockerignore` syntax), matched relative to each source. */
  readonly exclude?: readonly string[];
  /** `--parents`: each pattern gives its pivot directory holding its matches at their paths. */
  readonly parents?: boolean;
}

/** The sources `patterns` name, in pattern order and, within a wildcard, in walk order. */
export async function resolveCopySources(ctx: SourceTree, patterns: readonly string[], options: CopySourceOptions = {}): Promise<CopySource[]> {
  const exclude = ignoreRules(options.exclude ?? []);
  const matcher = { match: (p: string) => matchPattern(ctx, p), follow: (p: string, path: ContextPath) => followed(ctx, p, path) };
  const sources: CopySource[] = [];
  for (const pattern of patterns) {
    if (options.parents === true) {
      sources.push(withExclusions(parentsSource(ctx, pattern, matcher), exclude));
      continue;
    }
    for (const match of matchPattern(ctx, pattern)) {
      // A wildcard's match is itself subject to --exclude, relative to the wildcard's directory (Docker's documented `COPY --exclude=*.txt hom* /d/`).
      if (match.fromBase !== undefined && exclude.ignores(match.fromBase)) continue;
      sources.push(withExclusions(sourceFor(ctx, pattern, match), exclude));
    }
  }
  return sources;
}

function withExclusions(source: CopySource, rules: IgnoreRules): CopySource {
  return rules.patterns.length === 0 ? source : { ...source, entries: excludeEntries(source.entries, rules) };
}

/** A cleaned pattern: its components and whether a trailing `/` demands a directory. */
interface CleanPattern {
  readonly components: readonly string[];
  readonly mustBeDir: boolean;
}

function cleanPattern(pattern: string, description: string): CleanPattern {
  const normal = posix.normalize(pattern.replace(/^\/+/, '') || '.');
  if (normal === '..' || normal.startsWith('../')) {
    throw new TsbuildError('TSB_CONTEXT', `COPY source ${JSON.stringify(pattern)} is outside ${description}`);
  }
  const mustBeDir = /\/\.?$/.test(pattern) && normal !== '.';
  const trimmed = normal.replace(/\/$/, '');
  return { components: trimmed === '.' ? [] : trimmed.split('/'), mustBeDir };
}

/** A matched path; `fromBase` is its path below a wildcard's literal directory. */
interface Match {
  readonly name: string;
  readonly path: ContextPath;
  readonly fromBase?: string;
}

/** The unfollowed context paths a pattern names, with the path each is reported as. */
function matchPattern(ctx: SourceTree, pattern: string): Match[] {
  const { components, mustBeDir } = cleanPattern(ctx.links === 'rootfs' ? rootfsPattern(pattern) : pattern, ctx.description);
  const firstWild = components.findIndex(hasWildcard);
  const literal = components.slice(0, firstWild < 0 ? components.length : firstWild).join('/');
  if (firstWild < 0) {
    const path = resolveInContext(ctx, literal, false);
    if (path === undefined || !isVisible(ctx, path)) throw notFound(ctx, pattern, literal);
    if (mustBeDir && !followed(ctx, pattern, path).stats.isDirectory()) throw notFound(ctx, pattern, literal);
    return [{ name: literal === '' ? '.' : literal, path }];
  }
  const base = resolveInContext(ctx, literal, true);
  if (base === undefined || !base.stats.isDirectory() || !isVisible(ctx, base)) throw notFound(ctx, pattern, literal || '.');
  return matchWildcards(ctx, base, components.slice(firstWild), pattern)
    .filter((path) => !mustBeDir || followed(ctx, pattern, path).stats.isDirectory())
    .map((path) => ({ name: path.rel, path, fromBase: base.rel === '' ? path.rel : path.rel.slice(base.rel.length + 1) }));
}

/** A matched source, its final symlink followed, with its visible tree. */
function sourceFor(ctx: SourceTree, pattern: string, match: { name: string; path: ContextPath }): CopySource {
  const target = followed(ctx, pattern, match.path);
  const isDir = target.stats.isDirectory();
  return { name: match.name, hostPath: target.hostPath, isDir, entries: walkSource(ctx, target) };
}

function followed(ctx: SourceTree, pattern: string, path: ContextPath): ContextPath {
  if (!path.stats.isSymbolicLink()) return path;
  const target = resolveInContext(ctx, path.rel, true);
  if (target === undefined || !isVisible(ctx, target)) throw notFound(ctx, pattern, path.rel, 'its symlink target does not exist');
  return target;
}

function notFound(ctx: SourceTree, pattern: string, rel: string, detail?: string): TsbuildError {
  const excluded = rel !== '' && ctx.ignore.file !== undefined && ctx.ignore.ignores(rel) ? ` (excluded by ${posix.basename(ctx.ignore.file)})` : '';
  const why = detail === undefined ? '' : `: ${detail}`;
  return new TsbuildError('TSB_COPY_SOURCE', `COPY source ${JSON.stringify(pattern)}: "/${rel}" not found in ${ctx.description}${excluded}${why}`);
}

/** In a rootfs `..` stops at the top (BuildKit cleans `--from` sources as rooted paths). */
function rootfsPattern(pattern: string): string {
  const trailing = /\/\.?$/.test(pattern) ? '/' : '';
  return posix.join('/', pattern) + trailing;
}
