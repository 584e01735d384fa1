/**
 * COPY/ADD sources that are heredocs (`COPY <<a <<b /dir/`), as BuildKit's
 * `parseSourcesAndDest` separates them: each source word that reads as a heredoc takes the next
 * body in order and becomes a file named after its delimiter; a heredoc destination is an error.
 */
import { syntaxError } from '../errors.js';
import { parseHeredocWord } from '../heredoc.js';
import type { InstructionNode } from '../node.js';
import type { Heredoc } from '../types.js';
import type { SourcesDest } from './sources-dest.js';

/** The path sources and the heredoc files of a COPY/ADD. */
export interface SplitSources {
  readonly sources: readonly string[];
  readonly heredocs: readonly Heredoc[];
}

/** Separates heredoc sources from path sources, pairing them with the line's bodies. */
export function splitHeredocSources(node: InstructionNode, args: SourcesDest): SplitSources {
  if (node.heredocs.length === 0) return { sources: args.sources, heredocs: [] };
  if (parseHeredocWord(args.dest) !== undefined) {
    throw syntaxError(`${node.kind} cannot accept a heredoc as a destination`, node.loc);
  }
  const sources: string[] = [];
  const heredocs: Heredoc[] = [];
  for (const word of args.sources) {
    if (parseHeredocWord(word) === undefined) {
      sources.push(word);
      continue;
    }
    const body = node.heredocs[heredocs.length];
    if (body === undefined) throw syntaxError(`${node.kind} source ${word} has no heredoc body`, node.loc);
    heredocs.push(body);
  }
  if (heredocs.length !== node.heredocs.length) {
    throw syntaxError(`${node.kind} has ${node.heredocs.length} heredoc bodies but ${heredocs.length} heredoc sources`, node.loc);
  }
  return { sources, heredocs };
}
