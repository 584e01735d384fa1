/**
 * Physical lines to logical lines, as BuildKit's parser joins them. We do this ourselves instead
 * of taking dockerfile-ast's instruction boundaries: it treats a line ending in an escaped escape
 * (`\\`) as a continuation and merges two instructions (MEASURED.md, checked again here), which
 * BuildKit does not. The rules kept: a BOM is dropped; the first line of an instruction is
 * left-trimmed and is skipped when it is a comment or blank; a continuation is the escape token
 * as the last non-blank character unless another escape precedes it; inside a continuation,
 * comment lines and blank lines are skipped and other lines keep their leading whitespace.
 */
import { DirectiveReader } from './directives.js';
import { announcedHeredocs, readHeredocBodies } from './heredoc-body.js';
import type { Directives, Heredoc } from './types.js';

/** One instruction's text and the lines it spans (1-based, inclusive). */
export interface LogicalLine {
  readonly text: string;
  readonly line: number;
  readonly endLine: number;
  /** Heredoc bodies, read only when asked for; `endLine` then includes them. */
  readonly heredocs?: readonly Heredoc[];
  /** The comment lines right above the instruction (BuildKit's `PrevComment`, for the lint rules). */
  readonly comments: readonly string[];
  /** When a blank line sat inside the continuation: the continuation's last line (BuildKit reports it there). */
  readonly emptyContinuationAt?: number;
}

/** The directives and logical lines of a Dockerfile, plus how many physical lines it has. */
export interface SplitResult {
  readonly directives: Directives;
  readonly lines: readonly LogicalLine[];
  readonly lineCount: number;
  /** The line of the `# check=` directive, for its errors. */
  readonly checkLine: number;
}

const LEADING_SPACE = /^\p{White_Space}+/u;

function isComment(raw: string): boolean {
  return raw.replace(LEADING_SPACE, '').startsWith('#');
}

/** Removes a trailing continuation token; `continues` says whether there was one. */
function trimContinuation(line: string, escape: string): { text: string; continues: boolean } {
  const body = line.replace(/[ \t]*$/, '');
  if (!body.endsWith(escape)) return { text: line, continues: false };
  const before = body.slice(0, -escape.length);
  if (before.endsWith(escape)) return { text: line, continues: false };
  return { text: before, continues: true };
}

/**
 * Splits Dockerfile text into directives and logical lines. With `heredocs`, the bodies of
 * `RUN <<EOF` and the like are consumed and attached to their line; without, body lines stay
 * ordinary lines (the parser refuses the heredoc line before reaching them).
 */
export function splitLines(text: string, file: string, heredocs = false): SplitResult {
  const physical = text.replace(/^\uFEFF/, '').split('\n');
  if (physical.length > 0 && physical[physical.length - 1] === '') physical.pop();
  const directives = new DirectiveReader(file);
  const lines: LogicalLine[] = [];
  let i = 0;
  const nextLine = (): string => (physical[i++] ?? '').replace(/[\r\n]+$/, '');

  // Comment lines gather above an instruction; a bare `#` or a blank line starts over (BuildKit's PrevComment).
  let comments: string[] = [];
  while (i < physical.length) {
    const raw = nextLine();
    const trimmed = raw.replace(LEADING_SPACE, '');
    const directive = directives.read(trimmed, i);
    if (trimmed.startsWith('#') && !directive) {
      // BuildKit drops the line's first character, whatever it is, then trims.
      const comment = raw.slice(1).trim();
      comments = comment === '' ? [] : [...comments, comment];
    } else if (trimmed === '') comments = [];
    const start = i;
    const first = trimContinuation(trimmed.startsWith('#') ? '' : trimmed, directives.escape);
    if (!first.continues && first.text === '') continue;
    let joined = first.text;
    let continues = first.continues;
    let emptyContinuation = false;
    while (continues && i < physical.length) {
      const next = nextLine();
      directives.read(next, i);
      if (isComment(next)) continue;
      if (next.replace(LEADING_SPACE, '') === '') {
        emptyContinuation = true;
        continue;
      }
      const part = trimContinuation(next, directives.escape);
      joined += part.text;
      continues = part.continues;
    }
    const facts = { comments, ...(emptyContinuation ? { emptyContinuationAt: i } : {}) };
    comments = [];
    const markers = heredocs ? announcedHeredocs(joined) : [];
    if (markers.length === 0) {
      lines.push({ text: joined, line: start, endLine: i, ...facts });
      continue;
    }
    const bodies = readHeredocBodies(physical, i, markers, { file, start });
    i = bodies.next;
    lines.push({ text: joined, line: start, endLine: i, heredocs: bodies.heredocs, ...facts });
  }
  return { directives: directives.result(), lines, lineCount: physical.length, checkLine: directives.lineOf('check') };
}
