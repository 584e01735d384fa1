/** RUN in exec form (JSON array of strings) or shell form. */
import { parseFlags } from '../flags.js';
import type { InstructionNode } from '../node.js';
import type { RunInstruction } from '../types.js';
import { parseCommandForm } from './command-form.js';

/** RUN's flags: every one Docker knows; none is implemented yet. */
export const RUN_FLAGS = {
  mount: { kind: 'strings', supported: false },
  network: { kind: 'string', supported: false },
  security: { kind: 'string', supported: false },
  device: { kind: 'strings', supported: false },
} as const;

/** Parses RUN. */
export function parseRun(node: InstructionNode): RunInstruction {
  parseFlags(node, RUN_FLAGS);
  return { kind: 'RUN', loc: node.loc, original: node.original, command: parseCommandForm(node) };
}
