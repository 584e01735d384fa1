/**
 * The source-matching options of a COPY/ADD (`--exclude`, `--parents`), expanded with the
 * stage's environment as BuildKit expands every other flag value. The handler and the cache key
 * both take them from here, so the key's source digest covers exactly the files copied.
 */
import type { CopySourceOptions } from '../context/index.js';
import type { AddInstruction, CopyInstruction } from '../dockerfile/index.js';
import type { StepContext } from './types.js';

/** `--exclude` patterns and `--parents` of `ins`, ready for `resolveCopySources`. */
export function copySourceOptions(ins: CopyInstruction | AddInstruction, step: Pick<StepContext, 'expand'>): CopySourceOptions {
  const exclude = ins.flags.exclude?.map((p) => step.expand(p));
  const parents = ins.kind === 'COPY' && ins.flags.parents === true;
  return { ...(exclude === undefined ? {} : { exclude }), ...(parents ? { parents } : {}) };
}
