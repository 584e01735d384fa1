/** LABEL k=v ... or the legacy LABEL k value. */
import { parseFlags } from '../flags.js';
import type { InstructionNode } from '../node.js';
import type { LabelInstruction } from '../types.js';
import { parseKeyValues } from './key-values.js';

/** LABEL takes no flags. */
export const LABEL_FLAGS = {} as const;

/** Parses LABEL. */
export function parseLabel(node: InstructionNode): LabelInstruction {
  const pairs = parseKeyValues(node);
  parseFlags(node, LABEL_FLAGS);
  return { kind: 'LABEL', loc: node.loc, original: node.original, pairs };
}
