/**
 * `COPY --exclude` / `ADD --exclude` (BuildKit `ExcludePatterns`): `.dockerignore` syntax,
 * matched against each path relative to the source being copied, as BuildKit's copier does
 * (so `*.md` excludes only the source's top level and `**\/*.md` every level). A directory that
 * is excluded is dropped with its tree, unless a `!` pattern re-includes something below it,
 * which then keeps the directories leading to it.
 */
import { posix } from 'node:path';
import type { CopySourceEntry } from '../fs/index.js';
import type { IgnoreRules } from './ignore-rules.js';

/** The entries of one source (parents before children) that `rules` do not exclude. */
export function excludeEntries(entries: readonly CopySourceEntry[], rules: IgnoreRules): CopySourceEntry[] {
  if (rules.patterns.length === 0) return [...entries];
  const withKeptChild = new Set<string>();
  const keep = new Array<boolean>(entries.length).fill(false);
  // Children come after their parents, so a reverse pass sees every child before its directory.
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i]!;
    const kept =
      entry.rel === '' ||
      !rules.ignores(entry.rel) ||
      (entry.stats.isDirectory() && rules.hasExceptions && withKeptChild.has(entry.rel));
    keep[i] = kept;
    if (kept && entry.rel !== '') withKeptChild.add(posix.dirname(entry.rel));
  }
  return entries.filter((_, i) => keep[i]);
}
