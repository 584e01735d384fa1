/** CMD in exec form (JSON array of strings) or shell form. */
import { parseFlags } from '../flags.js';
import type { InstructionNode } from '../node.js';
import type { CmdInstruction } from '../types.js';
import { parseCommandForm } from './command-form.js';

/** CMD takes no flags. */
export const CMD_FLAGS = {} as const;

/** Parses CMD. */
export function parseCmd(node: InstructionNode): CmdInstruction {
  parseFlags(node, CMD_FLAGS);
  return { kind: 'CMD', loc: node.loc, original: node.original, command: parseCommandForm(node) };
}
