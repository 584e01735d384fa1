/**
 * COPY source wildcards as BuildKit matches them: Go's `filepath.Match`, one path component at a
 * time. `*` is any run of characters and `?` any one character (neither crosses `/`; a leading
 * dot is not special), `[a-z]` / `[^a-z]` are classes, `\` escapes the next character. A
 * malformed pattern is an error, as Go's `ErrBadPattern` is.
 */
import { TsbuildError } from '../oci/index.js';

/** True when `component` has an unescaped `*`, `?` or `[` (BuildKit's `containsWildcards`). */
export function hasWildcard(component: string): boolean {
  for (let i = 0; i < component.length; i++) {
    const ch = component[i];
    if (ch === '\\') i++;
    else if (ch === '*' || ch === '?' || ch === '[') return true;
  }
  return false;
}

/** Compiles one component pattern to an anchored RegExp over a single file name. */
export function compileComponent(pattern: string, source: string): RegExp {
  const bad = (why: string) => new TsbuildError('TSB_COPY_SOURCE', `bad COPY source pattern ${JSON.stringify(source)}: ${why}`);
  const chars = Array.from(pattern); // code points, as Go's runes
  let re = '';
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '\\') {
      const next = chars[++i];
      if (next === undefined) throw bad('trailing backslash');
      re += literal(next);
    } else if (ch === '[') {
      const cls = compileClass(chars, i + 1, bad);
      re += cls.re;
      i = cls.end;
    } else re += literal(ch);
  }
  return new RegExp(`^${re}$`, 'u');
}

/** A `[...]` class starting after its `[`; returns the RegExp text and the index of its `]`. */
function compileClass(chars: readonly string[], start: number, bad: (why: string) => Error): { re: string; end: number } {
  let i = start;
  const negated = chars[i] === '^';
  if (negated) i++;
  let body = '';
  let ranges = 0;
  for (;;) {
    if (chars[i] === ']' && ranges > 0) break;
    const lo = classChar(chars, i, bad);
    i = lo.next;
    let hi = lo;
    if (chars[i] === '-') {
      hi = classChar(chars, i + 1, bad);
      i = hi.next;
      if (hi.ch.codePointAt(0)! < lo.ch.codePointAt(0)!) throw bad('character range out of order');
    }
    body += hi === lo ? classLiteral(lo.ch) : `${classLiteral(lo.ch)}-${classLiteral(hi.ch)}`;
    ranges++;
  }
  return { re: `[${negated ? '^' : ''}${body}]`, end: i };
}

/** One character of a class, escapes resolved; `-`, `]` unescaped or the end are Go's bad patterns. */
function classChar(chars: readonly string[], i: number, bad: (why: string) => Error): { ch: string; next: number } {
  let ch = chars[i];
  if (ch === undefined) throw bad('unterminated [');
  if (ch === '-' || ch === ']') throw bad(`unexpected ${ch} in character class`);
  if (ch === '\\') {
    ch = chars[++i];
    if (ch === undefined) throw bad('trailing backslash');
  }
  return { ch, next: i + 1 };
}

/** `ch` as itself outside a class (the `u` flag allows escaping only RegExp syntax characters). */
function literal(ch: string): string {
  return /[\\^$.*+?()[\]{}|/]/u.test(ch) ? `\\${ch}` : ch;
}

/** `ch` as itself inside a class. */
function classLiteral(ch: string): string {
  return /[\\\]\[^-]/u.test(ch) ? `\\${ch}` : ch;
}
