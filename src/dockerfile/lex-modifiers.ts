/** What `${name<op>word}` evaluates to, once the lexer has read the word (BuildKit's rules). */
import { LexFail } from './lex-fail.js';
import { PatternError, replacePattern, trimPrefix, trimSuffix } from './shell-pattern.js';

/** One `${...}` with a modifier, read but not yet evaluated. */
export interface Modifier {
  readonly name: string;
  /** `-`, `+`, `?`, `#` or `%`. */
  readonly op: string;
  /** The modifier as written (`:-`), for messages. */
  readonly text: string;
  /** True for the `:` forms, where an empty value counts as unset. */
  readonly nullIsUnset: boolean;
  readonly word: string;
}

function withPattern(pattern: string, apply: () => string): string {
  try {
    return apply();
  } catch (err) {
    if (err instanceof PatternError) throw new LexFail(`invalid pattern (${pattern}) in substitution: ${err.message}`);
    throw err;
  }
}

/** Applies `-`, `+`, `?`, `#`/`##`, `%`/`%%` to the variable's value (undefined when unset). */
export function applyModifier(m: Modifier, value: string | undefined): string {
  const empty = value === undefined || (m.nullIsUnset && value === '');
  switch (m.op) {
    case '-':
      return empty ? m.word : (value ?? '');
    case '+':
      return empty ? '' : m.word;
    case '?':
      if (value === undefined) throw new LexFail(`${m.name}: ${m.word || 'is not allowed to be unset'}`);
      if (empty) throw new LexFail(`${m.name}: ${m.word || 'is not allowed to be empty'}`);
      return value;
    case '#':
    case '%': {
      const greedy = m.word.startsWith(m.op);
      const pattern = greedy ? m.word.slice(1) : m.word;
      const trim = m.op === '%' ? trimSuffix : trimPrefix;
      return withPattern(pattern, () => trim(pattern, value ?? '', greedy));
    }
    default:
      throw new LexFail(`unsupported modifier (${m.text}) in substitution`);
  }
}

/** `${name/pattern/replacement}` and `${name//pattern/replacement}`. */
export function applyReplace(value: string, pattern: string, replacement: string, all: boolean): string {
  return withPattern(pattern, () => replacePattern(value, pattern, replacement, all));
}
