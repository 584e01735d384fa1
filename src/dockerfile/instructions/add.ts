/** ADD [--chown] [--chmod] [--link] [--exclude]… [--checksum] [--keep-git-dir] [--unpack] src... dest. */
import { parseFlags } from '../flags.js';
import type { InstructionNode } from '../node.js';
import type { AddInstruction } from '../types.js';
import { splitHeredocSources } from './heredoc-sources.js';
import { parseSourcesDest } from './sources-dest.js';

/** ADD's flags as BuildKit 1.20 knows them; the newer ones wait for their parser feature. */
export const ADD_FLAGS = {
  chown: { kind: 'string', supported: true },
  chmod: { kind: 'string', supported: true },
  link: { kind: 'bool', supported: 'copyLink' },
  exclude: { kind: 'strings', supported: 'copyExclude' },
  checksum: { kind: 'string', supported: 'addChecksum' },
  'keep-git-dir': { kind: 'bool', supported: 'addKeepGitDir' },
  unpack: { kind: 'bool', supported: 'addUnpack' },
} as const;

/** Parses ADD. */
export function parseAdd(node: InstructionNode): AddInstruction {
  const args = parseSourcesDest(node);
  const f = parseFlags(node, ADD_FLAGS);
  const { sources, heredocs } = splitHeredocSources(node, args);
  const keepGitDir = f['keep-git-dir'];
  return {
    kind: 'ADD',
    loc: node.loc,
    original: node.original,
    sources,
    dest: args.dest,
    flags: {
      ...(f.chown === undefined ? {} : { chown: f.chown }),
      ...(f.chmod === undefined ? {} : { chmod: f.chmod }),
      ...(f.link === undefined ? {} : { link: f.link }),
      ...(f.exclude === undefined ? {} : { exclude: f.exclude }),
      ...(f.checksum === undefined ? {} : { checksum: f.checksum }),
      ...(keepGitDir === undefined ? {} : { keepGitDir }),
      ...(f.unpack === undefined ? {} : { unpack: f.unpack }),
    },
    ...(heredocs.length === 0 ? {} : { heredocs }),
  };
}
