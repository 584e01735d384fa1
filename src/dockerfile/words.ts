/**
 * The two ways BuildKit's line parsers cut arguments into words before any expansion:
 * `parseWords` (ENV, LABEL, ARG) keeps quotes and escapes in the words and only uses them to
 * know where a word ends; `splitWhitespace` (FROM, EXPOSE, COPY/ADD/VOLUME in word form) splits
 * on blanks and knows nothing of quotes.
 */

const SPACE = /^\p{White_Space}$/u;
const TOKEN_SPACE = /[\t\v\f\r ]+/;

/** Splits on unquoted whitespace, keeping quotes and escapes in the words (BuildKit `parseWords`). */
export function parseWords(rest: string, escape: string): string[] {
  const chars = [...rest];
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote = '';
  let blankOk = false;
  const flush = () => {
    if (blankOk || word.length > 0) words.push(word);
    word = '';
    blankOk = false;
    inWord = false;
  };
  for (let pos = 0; pos < chars.length; pos++) {
    let ch = chars[pos] ?? '';
    if (!inWord && quote === '') {
      if (SPACE.test(ch)) continue;
      inWord = true;
    }
    if (quote === '') {
      if (SPACE.test(ch)) {
        flush();
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOk = true;
      } else if (ch === escape) {
        if (pos + 1 === chars.length) continue;
        word += ch;
        ch = chars[++pos] ?? '';
      }
      word += ch;
      continue;
    }
    if (ch === quote) quote = '';
    if (ch === escape && quote !== "'") {
      if (pos + 1 === chars.length) {
        quote = '';
        continue;
      }
      word += ch;
      ch = chars[++pos] ?? '';
    }
    word += ch;
  }
  if (inWord || quote !== '') flush();
  return words;
}

/** Splits on runs of blanks (BuildKit `parseStringsWhitespaceDelimited`); empty text gives none. */
export function splitWhitespace(rest: string): string[] {
  return rest === '' ? [] : rest.split(TOKEN_SPACE);
}
