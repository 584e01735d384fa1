/** ADD [--chown] [--chmod] src... dest (word or JSON form). */
import { parseFlags } from '../flags.js';
import type { InstructionNode } from '../node.js';
import type { AddInstruction } from '../types.js';
import { parseSourcesDest } from './sources-dest.js';

/** ADD's flags as BuildKit 1.20 knows them. */
export const ADD_FLAGS = {
  chown: { kind: 'string', supported: true },
  chmod: { kind: 'string', supported: true },
  link: { kind: 'bool', supported: false },
  exclude: { kind: 'strings', supported: false },
  checksum: { kind: 'string', supported: false },
  'keep-git-dir': { kind: 'bool', supported: false },
  unpack: { kind: 'bool', supported: false },
} as const;

/** Parses ADD. */
export function parseAdd(node: InstructionNode): AddInstruction {
  const { sources, dest } = parseSourcesDest(node);
  const f = parseFlags(node, ADD_FLAGS);
  return {
    kind: 'ADD',
    loc: node.loc,
    original: node.original,
    sources,
    dest,
    flags: {
      ...(f.chown === undefined ? {} : { chown: f.chown }),
      ...(f.chmod === undefined ? {} : { chmod: f.chmod }),
    },
  };
}
