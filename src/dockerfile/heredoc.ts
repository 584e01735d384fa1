/**
 * Heredoc detection (`RUN <<EOF`, `COPY <<-"EOF" /dst`), as BuildKit finds them: a word of the
 * line, quotes and escapes kept, that reads `[n]<<[-]NAME`. Heredocs are not implemented yet,
 * and must never be mistaken for an ordinary command, so the parser rejects them on sight.
 */

const SPACE = /^\p{White_Space}$/u;
const HEREDOC = /^(\d*)<<(-?)([^<]*)$/;

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

/** The first heredoc word of a shell-form line (`<<EOF`), or undefined. */
export function findHeredoc(line: string): string | undefined {
  return rawWords(line).find((w) => {
    const name = HEREDOC.exec(w)?.[3];
    return name !== undefined && name.replace(/["']/g, '') !== '';
  });
}
