/**
 * BuildKit's shell lexer (`frontend/dockerfile/shell/lex.go`) as a small recursive reader over
 * code points: quotes, escapes, `$name`, `${name}` and `${name<modifier>word}` where the word
 * is itself lexed (so modifiers nest). `rawEscapes` keeps escape tokens in glob patterns.
 *
 * One deliberate difference: a recent BuildKit lexer shares one word buffer between nested
 * reads, so a `${V:-w}` inside a word can drop the word's start from ProcessWords' output
 * (`x${U:-a}` giving `a`); we keep each read's buffer apart, as earlier BuildKit versions did.
 */
import { LexFail } from './lex-fail.js';
import { applyModifier, applyReplace } from './lex-modifiers.js';
import { Words } from './lex-words.js';
import type { ExpandEnv } from './expand.js';

const DIGIT = /^\p{Nd}$/u;
const LETTER = /^\p{L}$/u;
const SPECIAL_PARAMS = new Set(['@', '*', '#', '?', '-', '$', '!', '0']);
const MODIFIERS = new Set(['+', '-', '?', '#', '%']);

/** One word being lexed. */
export class ShellWord {
  private pos = 0;
  private rawEscapes = false;
  readonly used = new Set<string>();

  constructor(
    private readonly chars: readonly string[],
    private readonly env: ExpandEnv,
    private readonly escape: string,
    /** BuildKit's `SkipProcessQuotes`: quotes are ordinary characters (heredoc bodies). */
    private readonly skipQuotes = false,
  ) {}

  private peek(): string | undefined {
    return this.chars[this.pos];
  }
  private next(): string | undefined {
    return this.chars[this.pos++];
  }
  private lookup(name: string): string | undefined {
    this.used.add(name);
    return this.env(name);
  }

  /** Reads until `stop` (consumed) or the end; `rawEscapes` keeps escape tokens (for patterns). */
  processStopOn(stop: string | undefined, rawEscapes: boolean): { result: string; words: string[] } {
    const saved = this.rawEscapes;
    this.rawEscapes = rawEscapes;
    try {
      let result = '';
      const words = new Words();
      for (let ch = this.peek(); ch !== undefined; ch = this.peek()) {
        if (ch === stop) {
          this.next();
          return { result, words: words.done() };
        }
        if (ch === '$' || (!this.skipQuotes && (ch === "'" || ch === '"'))) {
          const part = ch === '$' ? this.dollar() : ch === "'" ? this.singleQuote() : this.doubleQuote();
          result += part;
          if (ch === '$') words.addString(part);
          else words.addRaw(part);
          continue;
        }
        let c = this.next() ?? '';
        if (c === this.escape) {
          if (rawEscapes) {
            words.addRaw(c);
            result += c;
          }
          const escaped = this.next();
          if (escaped === undefined) break;
          c = escaped;
          words.addRaw(c);
        } else words.addChar(c);
        result += c;
      }
      if (stop !== undefined) throw new LexFail(`unexpected end of statement while looking for matching ${stop}`);
      return { result, words: words.done() };
    } finally {
      this.rawEscapes = saved;
    }
  }

  private singleQuote(): string {
    this.next();
    let result = '';
    for (;;) {
      const c = this.next();
      if (c === undefined) throw new LexFail('unexpected end of statement while looking for matching single-quote');
      if (c === "'") return result;
      result += c;
    }
  }

  private doubleQuote(): string {
    this.next();
    let result = '';
    for (;;) {
      const p = this.peek();
      if (p === undefined) throw new LexFail('unexpected end of statement while looking for matching double-quote');
      if (p === '"') {
        this.next();
        return result;
      }
      if (p === '$') {
        result += this.dollar();
        continue;
      }
      let c = this.next() ?? '';
      if (c === this.escape) {
        if (this.rawEscapes) result += c;
        const after = this.peek();
        if (after === undefined) continue;
        if (after === '"' || after === '$' || after === this.escape) c = this.next() ?? '';
      }
      result += c;
    }
  }

  private name(): string {
    let name = '';
    for (let c = this.peek(); c !== undefined; c = this.peek()) {
      if (name === '' && DIGIT.test(c)) {
        while (this.peek() !== undefined && DIGIT.test(this.peek() ?? '')) name += this.next() ?? '';
        return name;
      }
      if (name === '' && SPECIAL_PARAMS.has(c)) return this.next() ?? '';
      if (!LETTER.test(c) && !DIGIT.test(c) && c !== '_') break;
      name += this.next() ?? '';
    }
    return name;
  }

  /** A word inside `${...}` up to `}`; running out of input is a missing `}`. */
  private untilBrace(raw: boolean): string {
    try {
      return this.processStopOn('}', raw).result;
    } catch (err) {
      if (err instanceof LexFail && this.peek() === undefined) throw new LexFail("syntax error: missing '}'");
      throw err;
    }
  }

  private dollar(): string {
    this.next();
    if (this.peek() !== '{') {
      const name = this.name();
      return name === '' ? '$' : (this.lookup(name) ?? '');
    }
    this.next();
    const first = this.peek();
    if (first === undefined) throw new LexFail("syntax error: missing '}'");
    if (first === '{' || first === '}' || first === ':') throw new LexFail('syntax error: bad substitution');
    const name = this.name();
    let ch = this.next();
    if (ch === undefined) throw new LexFail("syntax error: missing '}'");
    if (ch === '}') return this.lookup(name) ?? '';
    if (ch === '/') return this.replace(name);
    let modifier = ch;
    const nullIsUnset = ch === ':';
    if (nullIsUnset) {
      ch = this.next();
      modifier += ch ?? '';
    } else if (!MODIFIERS.has(ch)) throw new LexFail(`unsupported modifier (${modifier}) in substitution`);
    const raw = ch === '#' || ch === '%';
    if (nullIsUnset && raw) throw new LexFail(`unsupported modifier (${modifier}) in substitution`);
    const word = this.untilBrace(raw);
    return applyModifier({ name, op: ch ?? '', text: modifier, nullIsUnset, word }, this.lookup(name));
  }

  private replace(name: string): string {
    const all = this.peek() === '/';
    if (all) this.next();
    let pat: string;
    try {
      pat = this.processStopOn('/', true).result;
    } catch (err) {
      if (err instanceof LexFail && this.peek() === undefined) throw new LexFail("syntax error: missing '/' in ${}");
      throw err;
    }
    const replacement = this.untilBrace(true);
    return applyReplace(this.lookup(name) ?? '', pat, replacement, all);
  }
}
