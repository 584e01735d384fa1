/** FROM image [AS name], with `--platform`. */
import { syntaxError } from '../errors.js';
import { parseFlags } from '../flags.js';
import type { InstructionNode } from '../node.js';
import type { FromInstruction } from '../types.js';
import { splitWhitespace } from '../words.js';

/** FROM's flags: `--platform` (expanded later with the global ARGs). */
export const FROM_FLAGS = { platform: { kind: 'string', supported: true } } as const;

const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;

/** FROM's words as written: `[image]` or `[image, as, name]` (the lint rules read the casing). */
export function fromWords(node: InstructionNode): string[] {
  return splitWhitespace(node.rest);
}

/** Parses FROM. */
export function parseFrom(node: InstructionNode): FromInstruction {
  const args = fromWords(node);
  const image = args[0];
  let name: string | undefined;
  if (args.length === 3 && args[1]?.toLowerCase() === 'as') {
    const given = args[2] ?? '';
    name = given.toLowerCase();
    if (!STAGE_NAME.test(name)) {
      throw syntaxError(
        `invalid name for build stage: ${JSON.stringify(given)}, name can't start with a number or contain symbols`,
        node.loc,
      );
    }
  } else if (args.length !== 1 || image === undefined) {
    throw syntaxError('FROM requires either one or three arguments', node.loc);
  }
  const flags = parseFlags(node, FROM_FLAGS);
  return {
    kind: 'FROM',
    loc: node.loc,
    original: node.original,
    image: image ?? '',
    ...(name === undefined ? {} : { name }),
    ...(flags.platform === undefined ? {} : { platform: flags.platform }),
  };
}
