/** EXPOSE port[/proto] ... (ranges like 8000-8010 allowed; checked after expansion by the builder). */
import { parseFlags } from '../flags.js';
import type { InstructionNode } from '../node.js';
import type { ExposeInstruction } from '../types.js';
import { splitWhitespace } from '../words.js';
import { requireSome } from './arity.js';

/** EXPOSE takes no flags. */
export const EXPOSE_FLAGS = {} as const;

/** Parses EXPOSE. */
export function parseExpose(node: InstructionNode): ExposeInstruction {
  const ports = splitWhitespace(node.rest);
  requireSome(node, ports);
  parseFlags(node, EXPOSE_FLAGS);
  return { kind: 'EXPOSE', loc: node.loc, original: node.original, ports };
}
