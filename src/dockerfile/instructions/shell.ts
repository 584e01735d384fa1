/** SHELL ["executable", "params"...]: JSON form only. */
import { syntaxError } from '../errors.js';
import { parseFlags } from '../flags.js';
import type { InstructionNode } from '../node.js';
import type { ShellInstruction } from '../types.js';
import { parseCommandForm } from './command-form.js';

/** SHELL takes no flags. */
export const SHELL_FLAGS = {} as const;

/** Parses SHELL. */
export function parseShell(node: InstructionNode): ShellInstruction {
  parseFlags(node, SHELL_FLAGS);
  const command = parseCommandForm(node);
  if (command.form === 'shell') {
    if (command.command === '') throw syntaxError('SHELL requires at least one argument', node.loc);
    throw syntaxError('SHELL requires the arguments to be in JSON form', node.loc);
  }
  if (command.args.length === 0) throw syntaxError('SHELL requires at least one argument', node.loc);
  return { kind: 'SHELL', loc: node.loc, original: node.original, shell: command.args };
}
