/** USER: the whole rest of the line is its one argument. */
import { parseFlags } from '../flags.js';
import type { InstructionNode } from '../node.js';
import type { UserInstruction } from '../types.js';
import { requireOne } from './arity.js';

/** USER takes no flags. */
export const USER_FLAGS = {} as const;

/** Parses USER. */
export function parseUser(node: InstructionNode): UserInstruction {
  const user = requireOne(node);
  parseFlags(node, USER_FLAGS);
  return { kind: 'USER', loc: node.loc, original: node.original, user };
}
