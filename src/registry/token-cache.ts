/**
 * Bearer tokens cached per registry and scope. A token granted `repository:a:pull,push` also
 * serves a request that needs only `repository:a:pull`, so scopes are compared as sets of
 * single `(resource, action)` atoms. Concurrent requests for the same scopes share one fetch.
 */
import type { BearerToken } from './token.js';

/** `repository:a:pull,push` → `repository:a:pull`, `repository:a:push`. */
export function scopeAtoms(scopes: readonly string[]): Set<string> {
  const atoms = new Set<string>();
  for (const scope of scopes) {
    const colon = scope.lastIndexOf(':');
    if (colon < 0) {
      atoms.add(scope);
      continue;
    }
    for (const action of scope.slice(colon + 1).split(',')) atoms.add(`${scope.slice(0, colon)}:${action}`);
  }
  return atoms;
}

/** Scopes with the same resource joined into one (`a:pull` + `a:pull,push` → `a:pull,push`), first-seen order. */
export function mergeScopes(scopes: readonly string[]): string[] {
  const actions = new Map<string, string[]>();
  for (const atom of scopeAtoms(scopes)) {
    const colon = atom.lastIndexOf(':');
    const resource = colon < 0 ? atom : atom.slice(0, colon);
    const list = actions.get(resource) ?? [];
    if (colon >= 0) list.push(atom.slice(colon + 1));
    actions.set(resource, list);
  }
  return [...actions].map(([resource, list]) => (list.length > 0 ? `${resource}:${list.join(',')}` : resource));
}

interface Entry {
  readonly atoms: ReadonlySet<string>;
  readonly token: Promise<BearerToken>;
  /** Known once the fetch finished; until then the entry is shared, not expired. */
  settled: boolean;
  expiresAt: number;
}

/** Per-client token cache (never module state). */
export class TokenCache {
  private readonly entries = new Map<string, Entry[]>();

  /** A live (or in-flight) token covering every scope, if there is one. */
  find(registry: string, scopes: readonly string[], now = Date.now()): Promise<BearerToken> | undefined {
    const wanted = scopeAtoms(scopes);
    const list = this.entries.get(registry) ?? [];
    const live = list.filter((e) => !e.settled || e.expiresAt > now);
    this.entries.set(registry, live);
    return live.find((e) => [...wanted].every((a) => e.atoms.has(a)))?.token;
  }

  /** Remembers a token (while it is still being fetched, too); a failed fetch is forgotten. */
  add(registry: string, scopes: readonly string[], token: Promise<BearerToken>): void {
    const entry: Entry = { atoms: scopeAtoms(scopes), token, settled: false, expiresAt: 0 };
    token.then(
      (t) => {
        entry.settled = true;
        entry.expiresAt = t.expiresAt;
      },
      () => this.remove(registry, entry),
    );
    this.entries.set(registry, [...(this.entries.get(registry) ?? []), entry]);
  }

  /** Drops every token for the registry (after one was refused). */
  clear(registry: string): void {
    this.entries.delete(registry);
  }

  private remove(registry: string, entry: Entry): void {
    this.entries.set(registry, (this.entries.get(registry) ?? []).filter((e) => e !== entry));
  }
}
