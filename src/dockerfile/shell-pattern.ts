/**
 * The glob patterns of `${V#p}`, `${V%p}` and `${V/p/r}` as BuildKit implements them: `*` and
 * `?` (no bracket expressions), `\` escaping `*`, `?` or `\`, and `\}` / `\/` meaning the bare
 * character. Patterns become regular expressions with Go's matching rules.
 */

/** A pattern BuildKit would refuse (`\x` for an x that cannot be escaped). */
export class PatternError extends Error {}

const REGEX_SPECIAL = new Set(['[', ']', '{', '}', '.', '+', '(', ')', '|', '^', '$']);

/** Converts a shell pattern; `greedy` picks the longest match for `*`, `anchored` pins it to the start. */
export function patternToRegExp(pattern: string, greedy: boolean, anchored: boolean, flags = 'u'): RegExp {
  const chars = [...pattern];
  let out = anchored ? '^' : '';
  for (let i = 0; i < chars.length; i++) {
    const tok = chars[i] ?? '';
    if (tok === '*') out += greedy ? '.*' : '.*?';
    else if (tok === '?') out += '.';
    else if (tok === '\\') {
      const next = chars[i + 1];
      if (next === '}' || next === '/') continue;
      if (next !== '*' && next !== '?' && next !== '\\') throw new PatternError(`invalid escape '\\${next ?? ''}'`);
      out += `\\${next}`;
      i++;
    } else out += REGEX_SPECIAL.has(tok) ? `\\${tok}` : tok;
  }
  return new RegExp(out, flags);
}

/** `${V#p}` / `${V##p}`: removes the shortest / longest matching prefix. */
export function trimPrefix(pattern: string, value: string, greedy: boolean): string {
  const m = patternToRegExp(pattern, greedy, true).exec(value);
  return m ? value.slice(m.index + m[0].length) : value;
}

/** Reverses a pattern but keeps each `\x` escape in front of its character. */
function reversePattern(pattern: string): string {
  const chars = [...pattern];
  const units: string[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] ?? '';
    if (c === '\\' && i !== chars.length - 1) units.push(c + (chars[++i] ?? ''));
    else units.push(c);
  }
  return units.reverse().join('');
}

const reverse = (s: string): string => [...s].reverse().join('');

/**
 * `${V%p}` / `${V%%p}`: removes the shortest / longest matching suffix. A regular expression
 * cannot find the shortest rightmost match, so BuildKit reverses pattern and value; so do we.
 */
export function trimSuffix(pattern: string, value: string, greedy: boolean): string {
  return reverse(trimPrefix(reversePattern(pattern), reverse(value), greedy));
}

/**
 * `${V/p/r}` / `${V//p/r}` with greedy `*`. The replacement is literal. (BuildKit hands `//`'s
 * replacement to Go's ReplaceAllString, which would also read `$name` in it as a group
 * reference; a replacement can only contain `$` through an escape or a variable's value, and
 * treating it literally is what the user wrote.) Empty matches follow Go: one right after a
 * previous match is not replaced.
 */
export function replacePattern(value: string, pattern: string, replacement: string, all: boolean): string {
  if (!all) {
    const m = patternToRegExp(pattern, true, false).exec(value);
    return m ? value.slice(0, m.index) + replacement + value.slice(m.index + m[0].length) : value;
  }
  let out = '';
  let lastEnd = 0;
  for (const m of value.matchAll(patternToRegExp(pattern, true, false, 'gu'))) {
    const start = m.index;
    const end = start + m[0].length;
    out += value.slice(lastEnd, start);
    if (end > lastEnd || start === 0) out += replacement;
    lastEnd = end;
  }
  return out + value.slice(lastEnd);
}
