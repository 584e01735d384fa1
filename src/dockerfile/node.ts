/** The unit each `instructions/<name>.ts` parser receives: one logical line taken apart. */
import type { SourceLoc } from './errors.js';
import type { ParseFeatures } from './features.js';
import type { Heredoc, Instruction } from './types.js';

/** One instruction's raw parts, before its own parser gives it a type. */
export interface InstructionNode {
  /** The instruction, uppercased (`RUN`). */
  readonly kind: Instruction['kind'];
  /** The keyword as written (`run`). */
  readonly keyword: string;
  /** Leading `--flag[=value]` words, quotes removed. */
  readonly flags: readonly string[];
  /** The arguments after the flags, trimmed. */
  readonly rest: string;
  /** The whole logical line. */
  readonly original: string;
  readonly loc: SourceLoc;
  readonly escape: '\\' | '`';
  /**
   * True for the instruction inside ONBUILD. A trigger only runs in a later build, so flags
   * Docker knows but tsbuild cannot run yet are accepted there; unknown ones still fail.
   */
  readonly trigger: boolean;
  /** The constructs the builder has opted into; flags and heredocs outside them are refused. */
  readonly features: ParseFeatures;
  /** The line's heredoc bodies (only read with the `heredocs` feature). */
  readonly heredocs: readonly Heredoc[];
}
