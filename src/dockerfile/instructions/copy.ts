/** COPY [--from] [--chown] [--chmod] src... dest (word or JSON form). */
import { parseFlags } from '../flags.js';
import type { InstructionNode } from '../node.js';
import type { CopyInstruction } from '../types.js';
import { parseSourcesDest } from './sources-dest.js';

/** COPY's flags as BuildKit 1.20 knows them. */
export const COPY_FLAGS = {
  from: { kind: 'string', supported: true },
  chown: { kind: 'string', supported: true },
  chmod: { kind: 'string', supported: true },
  link: { kind: 'bool', supported: false },
  parents: { kind: 'bool', supported: false },
  exclude: { kind: 'strings', supported: false },
} as const;

/** Parses COPY. */
export function parseCopy(node: InstructionNode): CopyInstruction {
  const { sources, dest } = parseSourcesDest(node);
  const f = parseFlags(node, COPY_FLAGS);
  return {
    kind: 'COPY',
    loc: node.loc,
    original: node.original,
    sources,
    dest,
    flags: {
      ...(f.from === undefined ? {} : { from: f.from }),
      ...(f.chown === undefined ? {} : { chown: f.chown }),
      ...(f.chmod === undefined ? {} : { chmod: f.chmod }),
    },
  };
}
