/**
 * Word expansion with the semantics of BuildKit's shell lexer (`frontend/dockerfile/shell`):
 * quotes are removed (single quotes literal; double quotes keep `$` live and let the escape
 * token escape only `"`, `$` and itself), the escape token escapes any character outside quotes,
 * `$V` / `${V}` and the modifiers `:-` `-` `:+` `+` `:?` `?` `#` `##` `%` `%%` `/` `//` are
 * applied, and a `$` not followed by a name stays a `$`. Pure: the caller passes the lookup.
 */
import { ExpandError } from './errors.js';
import { LexFail } from './lex-fail.js';
import { ShellWord } from './shell-lexer.js';

/** A variable lookup: undefined means unset (an empty string is set). The caller decides scope. */
export type ExpandEnv = (name: string) => string | undefined;

/** Immutable options: the Dockerfile's escape token (default backslash); `skipQuotes` keeps quotes as characters (heredoc bodies). */
export interface ExpandOptions {
  readonly escape?: '\\' | '`';
  readonly skipQuotes?: boolean;
}

/** A word expanded, and every variable name it looked up (set or not), for cache keys. */
export interface Expansion {
  readonly value: string;
  readonly used: ReadonlySet<string>;
}

/** A word expanded and split into words on unquoted whitespace, as BuildKit's ProcessWords. */
export interface WordsExpansion {
  readonly values: string[];
  readonly used: ReadonlySet<string>;
}

function run(word: string, env: ExpandEnv, opts: ExpandOptions): { result: string; words: string[]; used: Set<string> } {
  const sw = new ShellWord([...word], env, opts.escape ?? '\\', opts.skipQuotes ?? false);
  try {
    return { ...sw.processStopOn(undefined, false), used: sw.used };
  } catch (err) {
    if (err instanceof LexFail) throw new ExpandError(word, err.message);
    throw err;
  }
}

/** Expands one word (BuildKit ProcessWord): quotes removed, variables substituted, no splitting. */
export function expand(word: string, env: ExpandEnv, opts: ExpandOptions = {}): Expansion {
  const { result, used } = run(word, env, opts);
  return { value: result, used };
}

/** Expands and splits on unquoted whitespace (BuildKit ProcessWords); `""` alone gives no word. */
export function expandWords(word: string, env: ExpandEnv, opts: ExpandOptions = {}): WordsExpansion {
  const { words, used } = run(word, env, opts);
  return { values: words, used };
}
