/** VOLUME ["/a", "/b"] or VOLUME /a /b. */
import { syntaxError } from '../errors.js';
import { parseFlags } from '../flags.js';
import type { InstructionNode } from '../node.js';
import type { VolumeInstruction } from '../types.js';
import { requireSome } from './arity.js';
import { listArgs } from './sources-dest.js';

/** VOLUME takes no flags. */
export const VOLUME_FLAGS = {} as const;

/** Parses VOLUME; each path is trimmed and must not be empty, as in BuildKit. */
export function parseVolume(node: InstructionNode): VolumeInstruction {
  const volumes = listArgs(node).map((v) => v.trim());
  requireSome(node, volumes);
  parseFlags(node, VOLUME_FLAGS);
  if (volumes.includes('')) throw syntaxError('VOLUME specified can not be an empty string', node.loc);
  return { kind: 'VOLUME', loc: node.loc, original: node.original, volumes };
}
