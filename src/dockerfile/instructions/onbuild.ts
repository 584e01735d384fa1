/** ONBUILD <instruction>: recorded as text for a later build, validated here by re-parsing it. */
import { syntaxError } from '../errors.js';
import { parseFlags } from '../flags.js';
import type { InstructionNode } from '../node.js';
import type { Instruction, OnbuildInstruction } from '../types.js';

/** ONBUILD takes no flags of its own. */
export const ONBUILD_FLAGS = {} as const;

/**
 * Parses ONBUILD. `parseTrigger` is the instruction dispatcher, passed in rather than imported
 * because the dispatcher itself routes ONBUILD here.
 */
export function parseOnbuild(node: InstructionNode, parseTrigger: (text: string) => Instruction): OnbuildInstruction {
  if (node.rest === '') throw syntaxError('ONBUILD requires at least one argument', node.loc);
  parseFlags(node, ONBUILD_FLAGS);
  const trigger = (/^\S+/u.exec(node.rest)?.[0] ?? '').toUpperCase();
  if (trigger === 'ONBUILD') throw syntaxError("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed", node.loc);
  if (trigger === 'FROM' || trigger === 'MAINTAINER') {
    throw syntaxError(`${trigger} isn't allowed as an ONBUILD trigger`, node.loc);
  }
  parseTrigger(node.rest);
  const expression = node.original.replace(/^\s*ONBUILD\s*/i, '');
  return { kind: 'ONBUILD', loc: node.loc, original: node.original, expression };
}
