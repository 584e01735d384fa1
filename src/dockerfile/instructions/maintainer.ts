/** MAINTAINER: the whole rest of the line is its one argument. */
import { parseFlags } from '../flags.js';
import type { InstructionNode } from '../node.js';
import type { MaintainerInstruction } from '../types.js';
import { requireOne } from './arity.js';

/** MAINTAINER takes no flags. */
export const MAINTAINER_FLAGS = {} as const;

/** Parses MAINTAINER. */
export function parseMaintainer(node: InstructionNode): MaintainerInstruction {
  const maintainer = requireOne(node);
  parseFlags(node, MAINTAINER_FLAGS);
  return { kind: 'MAINTAINER', loc: node.loc, original: node.original, maintainer };
}
