/**
 * Parser directives (`# escape=`, `# syntax=`, `# check=`), read as BuildKit reads them: only
 * from the leading comment lines; the first line that is not a known directive ends the search.
 */
import { syntaxError } from './errors.js';
import type { Directives } from './types.js';

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const KNOWN = new Set(['escape', 'syntax', 'check']);

/** Collects directives line by line until the first line that is not one. */
export class DirectiveReader {
  private done = false;
  private readonly seen = new Map<string, string>();
  private readonly lines = new Map<string, number>();

  constructor(private readonly file: string) {}

  /**
   * Looks at one (left-trimmed) physical line; throws on a repeated or invalid directive. True
   * when the line was a directive (it is then no description comment for the lint rules).
   */
  read(line: string, lineNo: number): boolean {
    if (this.done) return false;
    const match = DIRECTIVE.exec(line);
    const key = match?.[1]?.toLowerCase();
    if (!match || key === undefined || !KNOWN.has(key)) {
      this.done = true;
      return false;
    }
    const loc = { file: this.file, line: lineNo, endLine: lineNo };
    if (this.seen.has(key)) throw syntaxError(`only one ${key} parser directive can be used`, loc);
    const value = match[2] ?? '';
    if (key === 'escape' && value !== '\\' && value !== '`') {
      throw syntaxError(`invalid escape token '${value}' does not match \` or \\`, loc);
    }
    this.seen.set(key, value);
    this.lines.set(key, lineNo);
    return true;
  }

  /** The line a directive was found on (1 when absent). */
  lineOf(key: string): number {
    return this.lines.get(key) ?? 1;
  }

  /** The escape token in effect now (it changes how later lines continue). */
  get escape(): '\\' | '`' {
    return this.seen.get('escape') === '`' ? '`' : '\\';
  }

  /** The directives found. */
  result(): Directives {
    const syntax = this.seen.get('syntax');
    const check = this.seen.get('check');
    return {
      escape: this.escape,
      ...(syntax === undefined ? {} : { syntax }),
      ...(check === undefined ? {} : { check }),
    };
  }
}
