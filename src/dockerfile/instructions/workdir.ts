/** WORKDIR: the whole rest of the line is its one argument. */
import { parseFlags } from '../flags.js';
import type { InstructionNode } from '../node.js';
import type { WorkdirInstruction } from '../types.js';
import { requireOne } from './arity.js';

/** WORKDIR takes no flags. */
export const WORKDIR_FLAGS = {} as const;

/** Parses WORKDIR. */
export function parseWorkdir(node: InstructionNode): WorkdirInstruction {
  const path = requireOne(node);
  parseFlags(node, WORKDIR_FLAGS);
  return { kind: 'WORKDIR', loc: node.loc, original: node.original, path };
}
