/**
 * Expanding the wildcard part of a COPY source (BuildKit's `ResolveWildcards`): below the
 * already-resolved literal prefix, each remaining component is matched against the names of one
 * directory level with Go's `filepath.Match`. Matches come in walk order; a matched directory is
 * not searched further; symlinked directories are not descended while matching (Go's Walk uses
 * lstat). Only what the filtered context shows can match.
 */
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceTree } from './source-tree.js';
import { compileComponent } from './go-glob.js';
import type { ContextPath } from './resolve-in-context.js';
import { isVisible, sortedNames } from './walk-source.js';

/** Context paths below `base` matching `components` (one pattern per path level), unfollowed. */
export function matchWildcards(ctx: SourceTree, base: ContextPath, components: readonly string[], source: string): ContextPath[] {
  const matchers = components.map((c) => compileComponent(c, source));
  const out: ContextPath[] = [];
  const visit = (dir: ContextPath, depth: number): void => {
    const matcher = matchers[depth]!;
    const last = depth === matchers.length - 1;
    for (const name of sortedNames(dir.hostPath)) {
      if (!matcher.test(name)) continue;
      const hostPath = join(dir.hostPath, name);
      const child: ContextPath = { rel: dir.rel === '' ? name : `${dir.rel}/${name}`, hostPath, stats: lstatSync(hostPath) };
      if (last) {
        if (isVisible(ctx, child)) out.push(child);
      } else if (child.stats.isDirectory() && (ctx.ignore.hasExceptions || !ctx.ignore.ignores(child.rel))) {
        visit(child, depth + 1);
      }
    }
  };
  visit(base, 0);
  return out;
}
