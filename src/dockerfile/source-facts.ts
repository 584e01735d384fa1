/**
 * What the source text says that the typed Dockerfile leaves out: keyword casing, the `AS` word,
 * the legacy `ENV key value` form, blank lines inside continuations, the comments above a line.
 * Only the lint rules read these. They are kept apart from the instructions on purpose: the
 * cache keys every parsed field of an instruction, and `run` and `RUN` must key the same.
 */
import type { SourceLoc } from './errors.js';
import { fromWords } from './instructions/from.js';
import { isLegacyKeyValue } from './instructions/key-values.js';
import type { LogicalLine } from './lines.js';
import type { InstructionNode } from './node.js';
import type { Instruction } from './types.js';
import { parseWords } from './words.js';

/** The source facts of one top-level instruction line. */
export interface LineFacts {
  readonly loc: SourceLoc;
  readonly kind: Instruction['kind'];
  /** The keyword as written (`run`, `From`). */
  readonly keyword: string;
  /** The comment lines right above it, `#` removed (BuildKit's `PrevComment`). */
  readonly comments: readonly string[];
  /** When a blank line sat inside its continuation: the line BuildKit reports (the continuation's last). */
  readonly emptyContinuationAt?: number;
  /** FROM with a stage name: the `AS` word and the name, as written. */
  readonly stageAs?: { readonly keyword: string; readonly name: string };
  /** ENV and LABEL: the legacy `KEY value` form (no `=`). */
  readonly legacyKeyValue?: boolean;
}

/** The facts of every instruction line, in file order (global ARGs, FROMs and the rest). */
export interface SourceFacts {
  readonly lines: readonly LineFacts[];
}

/** The facts of one line, from its node (as the parser took it apart) and its logical line. */
export function lineFacts(node: InstructionNode, line: LogicalLine): LineFacts {
  const base = {
    loc: node.loc,
    kind: node.kind,
    keyword: node.keyword,
    comments: line.comments,
    ...(line.emptyContinuationAt === undefined ? {} : { emptyContinuationAt: line.emptyContinuationAt }),
  };
  if (node.kind === 'FROM') {
    const words = fromWords(node);
    const [, keyword, name] = words;
    return words.length === 3 && keyword !== undefined && name !== undefined ? { ...base, stageAs: { keyword, name } } : base;
  }
  if (node.kind === 'ENV' || node.kind === 'LABEL') return { ...base, legacyKeyValue: isLegacyKeyValue(parseWords(node.rest, node.escape)) };
  return base;
}
