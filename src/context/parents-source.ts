/**
 * `COPY --parents` (BuildKit `dispatchCopy` with `parents`): a source `a/./b/c` is cut at its
 * first `/./`, the pivot; without one the pivot is the root. BuildKit then copies the pivot
 * directory's contents keeping only what the rest of the pattern (`b/c`, wildcards allowed)
 * matches, so each match lands at its path below the pivot, with the directories leading to it.
 * That is one directory source here: the pivot, with exactly those entries.
 */
import { lstatSync } from 'node:fs';
import { dirname, posix } from 'node:path';
import type { CopySource, CopySourceEntry } from '../fs/index.js';
import { TsbuildError } from '../oci/index.js';
import { resolveInContext, type ContextPath } from './resolve-in-context.js';
import type { SourceTree } from './source-tree.js';
import { walkSource } from './walk-source.js';

/** A match of the whole pattern, as copy-sources finds it. */
export interface PatternMatch {
  readonly name: string;
  readonly path: ContextPath;
}

/** How copy-sources matches a pattern and follows a matched symlink. */
export interface Matcher {
  match(pattern: string): PatternMatch[];
  follow(pattern: string, path: ContextPath): ContextPath;
}

/** Splits at the pivot: `a/./b` → [`a`, `b`]; without one, [`/`, the pattern]. */
export function splitPivot(pattern: string): readonly [string, string] {
  const at = pattern.indexOf('/./');
  return at < 0 ? ['/', pattern] : [pattern.slice(0, at) || '/', pattern.slice(at + 3)];
}

function relToPivot(pivotName: string, pivot: ContextPath, m: PatternMatch): string {
  const prefix = pivotName === '' ? '' : `${pivotName}/`;
  if (m.name.startsWith(prefix)) return m.name.slice(prefix.length);
  return posix.relative(pivot.rel, m.path.rel);
}

/** The pivot directory of `pattern` with the matches of the rest at their paths below it. */
export function parentsSource(ctx: SourceTree, pattern: string, matcher: Matcher): CopySource {
  const [parent, rest] = splitPivot(pattern);
  const pivotName = posix.normalize(parent.replace(/^\/+/, '') || '.').replace(/^\.$/, '').replace(/\/$/, '');
  const pivot = resolveInContext(ctx, pivotName, true);
  if (pivot === undefined || !pivot.stats.isDirectory()) {
    throw new TsbuildError('TSB_COPY_SOURCE', `COPY --parents source ${JSON.stringify(pattern)}: "/${pivotName}" is not a directory in ${ctx.description}`);
  }
  const entries = new Map<string, CopySourceEntry>([['', { rel: '', hostPath: pivot.hostPath, stats: pivot.stats }]]);
  for (const m of matcher.match(pivotName === '' ? rest : `${pivotName}/${rest}`)) {
    const rel = relToPivot(pivotName, pivot, m);
    if (rel === '' || rel.startsWith('../')) continue;
    const parts = rel.split('/');
    let host = dirname(m.path.hostPath);
    const chain: CopySourceEntry[] = [];
    for (let i = parts.length - 1; i > 0; i--, host = dirname(host)) {
      chain.unshift({ rel: parts.slice(0, i).join('/'), hostPath: host, stats: lstatSync(host) });
    }
    for (const e of chain) if (!entries.has(e.rel)) entries.set(e.rel, e);
    for (const e of walkSource(ctx, matcher.follow(pattern, m.path))) {
      const full = e.rel === '' ? rel : `${rel}/${e.rel}`;
      if (!entries.has(full)) entries.set(full, { ...e, rel: full });
    }
  }
  return { name: pivotName === '' ? '.' : pivotName, hostPath: pivot.hostPath, isDir: true, entries: [...entries.values()] };
}
