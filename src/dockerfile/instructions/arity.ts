/** Argument-count checks with Docker's messages. */
import { syntaxError } from '../errors.js';
import type { InstructionNode } from '../node.js';

/** Throws unless there is at least one argument. */
export function requireSome<T>(node: InstructionNode, args: readonly T[]): void {
  if (args.length === 0) throw syntaxError(`${node.kind} requires at least one argument`, node.loc);
}

/** The whole rest as the single argument (BuildKit `parseString`); throws when there is none. */
export function requireOne(node: InstructionNode): string {
  if (node.rest === '') throw syntaxError(`${node.kind} requires exactly one argument`, node.loc);
  return node.rest;
}
