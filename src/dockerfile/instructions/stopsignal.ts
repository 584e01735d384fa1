/** STOPSIGNAL: the whole rest of the line is its one argument. */
import { parseFlags } from '../flags.js';
import type { InstructionNode } from '../node.js';
import type { StopsignalInstruction } from '../types.js';
import { requireOne } from './arity.js';

/** STOPSIGNAL takes no flags. */
export const STOPSIGNAL_FLAGS = {} as const;

/** Parses STOPSIGNAL. */
export function parseStopsignal(node: InstructionNode): StopsignalInstruction {
  const signal = requireOne(node);
  parseFlags(node, STOPSIGNAL_FLAGS);
  return { kind: 'STOPSIGNAL', loc: node.loc, original: node.original, signal };
}
