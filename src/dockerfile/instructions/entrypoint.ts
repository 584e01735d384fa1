/** ENTRYPOINT in exec form (JSON array of strings) or shell form. */
import { parseFlags } from '../flags.js';
import type { InstructionNode } from '../node.js';
import type { EntrypointInstruction } from '../types.js';
import { parseCommandForm } from './command-form.js';

/** ENTRYPOINT takes no flags. */
export const ENTRYPOINT_FLAGS = {} as const;

/** Parses ENTRYPOINT. */
export function parseEntrypoint(node: InstructionNode): EntrypointInstruction {
  parseFlags(node, ENTRYPOINT_FLAGS);
  return { kind: 'ENTRYPOINT', loc: node.loc, original: node.original, command: parseCommandForm(node) };
}
