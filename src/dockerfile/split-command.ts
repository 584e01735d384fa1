/**
 * A logical line to keyword, flags and the rest, as BuildKit's `splitCommand` and
 * `extractBuilderFlags` do: leading words that start with `--` are flags (quotes removed, `\`
 * escapes the next character whatever the escape directive), a bare `--` ends the flags.
 * BuildKit walks bytes here and so mangles non-ASCII flag values; we walk code points.
 */

/** A logical line taken apart. */
export interface SplitCommand {
  /** The keyword as written. */
  readonly keyword: string;
  readonly flags: readonly string[];
  /** Everything after the keyword and flags, trimmed. */
  readonly rest: string;
}

const SPACE = /^\p{White_Space}$/u;
const TOKEN_SPACE = /[\t\v\f\r ]+/;

/** Splits a logical line into keyword, flags and the rest. */
export function splitCommand(line: string): SplitCommand {
  const trimmed = line.trim();
  const match = TOKEN_SPACE.exec(trimmed);
  if (!match) return { keyword: trimmed, flags: [], rest: '' };
  const keyword = trimmed.slice(0, match.index);
  const { rest, flags } = extractFlags(trimmed.slice(match.index + match[0].length));
  return { keyword, flags, rest: rest.trim() };
}

function extractFlags(line: string): { rest: string; flags: string[] } {
  const chars = [...line];
  const flags: string[] = [];
  let word = '';
  let inWord = false;
  let quote = '';
  let blankOk = false;
  const restFrom = (pos: number) => chars.slice(pos).join('');

  for (let pos = 0; pos <= chars.length; pos++) {
    const ch = chars[pos] ?? '';
    const atEnd = pos === chars.length;
    if (!inWord) {
      if (atEnd) break;
      if (SPACE.test(ch)) continue;
      if (ch !== '-' || chars[pos + 1] !== '-') return { rest: restFrom(pos), flags };
      inWord = true;
    }
    if (atEnd) {
      if (word !== '--' && (blankOk || word.length > 0)) flags.push(word);
      break;
    }
    if (quote === '') {
      if (SPACE.test(ch)) {
        if (word === '--') return { rest: restFrom(pos), flags };
        if (blankOk || word.length > 0) flags.push(word);
        inWord = false;
        word = '';
        blankOk = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOk = true;
        continue;
      }
    } else if (ch === quote) {
      quote = '';
      continue;
    }
    if (ch === '\\') {
      if (pos + 1 === chars.length) {
        quote = '';
        continue;
      }
      pos++;
      word += chars[pos] ?? '';
      continue;
    }
    word += ch;
  }
  return { rest: '', flags };
}
