/** ENV k=v ... or the legacy ENV k value. */
import { parseFlags } from '../flags.js';
import type { InstructionNode } from '../node.js';
import type { EnvInstruction } from '../types.js';
import { parseKeyValues } from './key-values.js';

/** ENV takes no flags. */
export const ENV_FLAGS = {} as const;

/** Parses ENV. */
export function parseEnv(node: InstructionNode): EnvInstruction {
  const pairs = parseKeyValues(node);
  parseFlags(node, ENV_FLAGS);
  return { kind: 'ENV', loc: node.loc, original: node.original, pairs };
}
