/**
 * Expansion that remembers which variables were found and which were not (BuildKit's
 * `ProcessWordWithMatches`): every lookup counts, `${V:-x}` included, as in BuildKit's lexer.
 */
import { expand, expandWords, type ExpandEnv, type ExpandOptions } from '../expand.js';

/** A word expanded, or failed to expand, and the names looked up. */
export interface TrackedExpansion {
  /** Undefined when the word did not expand (the build reports that error; the lint rules only skip). */
  readonly value?: string;
  readonly matched: ReadonlySet<string>;
  readonly unmatched: ReadonlySet<string>;
}

function tracking(env: ExpandEnv): { lookup: ExpandEnv; matched: Set<string>; unmatched: Set<string> } {
  const matched = new Set<string>();
  const unmatched = new Set<string>();
  const lookup: ExpandEnv = (name) => {
    const value = env(name);
    (value === undefined ? unmatched : matched).add(name);
    return value;
  };
  return { lookup, matched, unmatched };
}

/** Expands one word with `env`, recording the names it looked up. */
export function trackedExpand(word: string, env: ExpandEnv, opts: ExpandOptions = {}): TrackedExpansion {
  const t = tracking(env);
  try {
    return { value: expand(word, t.lookup, opts).value, matched: t.matched, unmatched: t.unmatched };
  } catch {
    return { matched: t.matched, unmatched: t.unmatched };
  }
}

/** Expands and splits one word (EXPOSE's ports); undefined when it does not expand. */
export function expandedWords(word: string, env: ExpandEnv, opts: ExpandOptions = {}): string[] | undefined {
  try {
    return expandWords(word, env, opts).values;
  } catch {
    return undefined;
  }
}
