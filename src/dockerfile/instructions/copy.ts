/** COPY [--from] [--chown] [--chmod] [--link] [--parents] [--exclude]… src... dest (word or JSON form). */
import { parseFlags } from '../flags.js';
import type { InstructionNode } from '../node.js';
import type { CopyInstruction } from '../types.js';
import { splitHeredocSources } from './heredoc-sources.js';
import { parseSourcesDest } from './sources-dest.js';

/** COPY's flags as BuildKit 1.20 knows them; the newer ones wait for their parser feature. */
export const COPY_FLAGS = {
  from: { kind: 'string', supported: true },
  chown: { kind: 'string', supported: true },
  chmod: { kind: 'string', supported: true },
  link: { kind: 'bool', supported: 'copyLink' },
  parents: { kind: 'bool', supported: 'copyParents' },
  exclude: { kind: 'strings', supported: 'copyExclude' },
} as const;

/** Parses COPY. */
export function parseCopy(node: InstructionNode): CopyInstruction {
  const args = parseSourcesDest(node);
  const f = parseFlags(node, COPY_FLAGS);
  const { sources, heredocs } = splitHeredocSources(node, args);
  return {
    kind: 'COPY',
    loc: node.loc,
    original: node.original,
    sources,
    dest: args.dest,
    flags: {
      ...(f.from === undefined ? {} : { from: f.from }),
      ...(f.chown === undefined ? {} : { chown: f.chown }),
      ...(f.chmod === undefined ? {} : { chmod: f.chmod }),
      ...(f.link === undefined ? {} : { link: f.link }),
      ...(f.parents === undefined ? {} : { parents: f.parents }),
      ...(f.exclude === undefined ? {} : { exclude: f.exclude }),
    },
    ...(heredocs.length === 0 ? {} : { heredocs }),
  };
}
