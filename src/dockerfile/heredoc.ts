/**
 * Heredoc words (`RUN <<EOF`, `COPY <<-"EOF" /dst`), found as BuildKit finds them: a word of the
 * line, quotes and escapes kept, that reads `[n]<<[-]NAME`. The name is the word with its quotes
 * removed; any quoting turns expansion of the body off (BuildKit compares the quote counts of
 * the word lexed with and without raw quotes, which amounts to the same).
 */

const SPACE = /^\p{White_Space}$/u;
const HEREDOC = /^(\d*)<<(-?)([^<]*)$/;

/** A heredoc as its word announces it; the body is read from the lines that follow. */
export interface HeredocMarker {
  /** The delimiter, quotes removed: the line that ends the body. */
  readonly name: string;
  /** False when the delimiter was quoted (`<<"EOF"`, `<<'EOF'`, `<<E"O"F`). */
  readonly expand: boolean;
  /** `<<-`: leading tabs are stripped from the body and from the terminator line. */
  readonly chomp: boolean;
}

/**
 * A heredoc with its body. `content` is the body as written, each line with its `\n`; for `<<-`
 * the builder strips leading tabs (`heredocData`), as BuildKit does when it uses the body.
 */
export interface Heredoc extends HeredocMarker {
  readonly content: string;
}

/** Splits on unquoted whitespace keeping quotes and backslash escapes. */
function rawWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote = '';
  const chars = [...line];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] ?? '';
    if (quote === '' && SPACE.test(ch)) {
      if (word !== '') words.push(word);
      word = '';
      continue;
    }
    word += ch;
    if (ch === '\\' && quote !== "'") word += chars[++i] ?? '';
    else if (quote === '' && (ch === '"' || ch === "'")) quote = ch;
    else if (ch === quote) quote = '';
  }
  if (word !== '') words.push(word);
  return words;
}

/** Removes shell quoting from a delimiter word; `quoted` says whether a quote was consumed. */
function unquote(word: string): { name: string; quoted: boolean } {
  let name = '';
  let quote = '';
  let quoted = false;
  const chars = [...word];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] ?? '';
    if (quote === "'") {
      if (ch === "'") quote = '';
      else name += ch;
    } else if (ch === '\\' && (quote === '' || /["\\$`]/.test(chars[i + 1] ?? ''))) {
      name += chars[++i] ?? '';
    } else if (quote === '"' && ch === '"') {
      quote = '';
    } else if (quote === '' && (ch === '"' || ch === "'")) {
      quote = ch;
      quoted = true;
    } else {
      name += ch;
    }
  }
  return { name, quoted };
}

/** The heredoc a single word announces (BuildKit `ParseHeredoc`), or undefined. */
export function parseHeredocWord(word: string): HeredocMarker | undefined {
  const match = HEREDOC.exec(word);
  const rest = match?.[3];
  if (match === null || rest === undefined || rest === '') return undefined;
  const { name, quoted } = unquote(rest);
  if (name === '') return undefined;
  return { name, expand: !quoted, chomp: match[2] === '-' };
}

/** Every heredoc a logical line announces, in order (BuildKit `heredocsFromLine`). */
export function heredocMarkers(line: string): HeredocMarker[] {
  if (!line.includes('<<')) return [];
  return rawWords(line).flatMap((w) => parseHeredocWord(w) ?? []);
}

/** The first heredoc word of a shell-form line (`<<EOF`), or undefined. */
export function findHeredoc(line: string): string | undefined {
  return rawWords(line).find((w) => parseHeredocWord(w) !== undefined);
}
