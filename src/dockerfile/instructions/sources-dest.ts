/** COPY and ADD arguments: a JSON array or blank-separated words, the last one the destination. */
import { syntaxError } from '../errors.js';
import { NOT_STRING_ARRAY, parseJsonArray } from '../json-array.js';
import type { InstructionNode } from '../node.js';
import { splitWhitespace } from '../words.js';

/** Raw words of the sources and the destination. */
export interface SourcesDest {
  readonly sources: readonly string[];
  readonly dest: string;
}

/** Parses `src... dest` in either form (BuildKit `parseMaybeJSONToList` + `parseSourcesAndDest`). */
export function parseSourcesDest(node: InstructionNode): SourcesDest {
  const args = listArgs(node);
  const dest = args[args.length - 1];
  if (args.length < 2 || dest === undefined) {
    throw syntaxError(
      `${node.kind} requires at least two arguments, but only one was provided. Destination could not be determined`,
      node.loc,
    );
  }
  return { sources: args.slice(0, -1), dest };
}

/** JSON array of strings or blank-separated words (also VOLUME's rule). */
export function listArgs(node: InstructionNode): string[] {
  const json = parseJsonArray(node.rest);
  if (json.ok) return json.values;
  if (json.notStrings === true) throw syntaxError(NOT_STRING_ARRAY, node.loc);
  return splitWhitespace(node.rest);
}
