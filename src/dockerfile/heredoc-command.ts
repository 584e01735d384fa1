/**
 * What the builder does with heredoc bodies, as BuildKit's `dispatchRun` and `dispatchCopy` do.
 * A RUN whose whole command is one heredoc runs its body: through the shell, or, when the body
 * starts with `#!`, as an executable file the builder provides (BuildKit mounts it read-only at
 * `/dev/pipes/<name>` and runs that path with the shell). Any other heredoc RUN hands the shell
 * the command line followed by each body and delimiter, so the shell itself reads the heredocs.
 */
import { expand, type ExpandEnv, type Expansion } from './expand.js';
import { parseHeredocWord } from './heredoc.js';
import type { Heredoc, RunInstruction } from './types.js';

/** A body as the builder uses it: leading tabs of every line stripped for `<<-`. */
export function heredocData(doc: Heredoc): string {
  return doc.chomp ? doc.content.replace(/^\t+/gm, '') : doc.content;
}

/**
 * A COPY/ADD heredoc's file content (BuildKit `ExpandRaw`): the body with `<<-` tabs stripped,
 * and, unless the delimiter was quoted, variables expanded by a backslash-escape lexer that
 * leaves quotes alone, whatever the Dockerfile's escape directive.
 */
export function heredocFileContent(doc: Heredoc, env: ExpandEnv): Expansion {
  const data = heredocData(doc);
  return doc.expand ? expand(data, env, { escape: '\\', skipQuotes: true }) : { value: data, used: new Set() };
}

/** How a heredoc RUN runs. `shell`: a shell-form command; `script`: an executable file. */
export type HeredocRun =
  | { readonly kind: 'shell'; readonly command: string }
  | { readonly kind: 'script'; readonly name: string; readonly data: string; readonly mode: number; readonly path: string };

/** Where BuildKit puts a shebang heredoc's file. */
export const HEREDOC_SCRIPT_DIR = '/dev/pipes';

/** The command a RUN with heredocs runs (its `command` must be shell form, as the parser ensures). */
export function heredocRun(run: RunInstruction): HeredocRun | undefined {
  const docs = run.heredocs ?? [];
  const first = docs[0];
  if (first === undefined || run.command.form !== 'shell') return undefined;
  const command = run.command.command;
  if (parseHeredocWord(command) === undefined) {
    return { kind: 'shell', command: docs.reduce((full, doc) => `${full}\n${doc.content}${doc.name}`, command) };
  }
  const data = heredocData(first);
  if (first.content.startsWith('#!')) {
    return { kind: 'script', name: first.name, data, mode: 0o755, path: `${HEREDOC_SCRIPT_DIR}/${first.name}` };
  }
  return { kind: 'shell', command: data };
}
