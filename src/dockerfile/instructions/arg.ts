/** ARG name[=default] ..., several per line. */
import { syntaxError } from '../errors.js';
import { parseFlags } from '../flags.js';
import type { InstructionNode } from '../node.js';
import type { ArgInstruction, ArgItem } from '../types.js';
import { parseWords } from '../words.js';
import { requireSome } from './arity.js';

/** ARG takes no flags. */
export const ARG_FLAGS = {} as const;

/** Parses ARG; defaults stay raw (expanded by whoever declares them). */
export function parseArg(node: InstructionNode): ArgInstruction {
  const words = parseWords(node.rest, node.escape);
  requireSome(node, words);
  parseFlags(node, ARG_FLAGS);
  const args = words.map((word): ArgItem => {
    const eq = word.indexOf('=');
    if (eq < 0) return { name: word };
    if (eq === 0) throw syntaxError('ARG names can not be blank', node.loc);
    return { name: word.slice(0, eq), default: word.slice(eq + 1) };
  });
  return { kind: 'ARG', loc: node.loc, original: node.original, args };
}
