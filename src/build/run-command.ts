/**
 * The argv a RUN executes. A heredoc RUN either hands the shell a command that carries its
 * bodies, or (a body starting with `#!`) runs the body as a file: BuildKit mounts it read-only at
 * `/dev/pipes/<name>`, and so do we, from a file in the step's scratch directory.
 */
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { heredocRun, type RunInstruction } from '../dockerfile/index.js';
import type { RunMount } from '../sandbox/index.js';
import { commandArgv } from './instructions/command-argv.js';

/** What runs, and the mounts it needs. */
export interface RunCommand {
  readonly argv: string[];
  readonly mounts: readonly RunMount[];
}

/** The command of `ins`; a shebang body is written under `scratch` (a directory of this RUN's own). */
export async function runCommand(ins: RunInstruction, shell: readonly string[], scratch: string): Promise<RunCommand> {
  const doc = heredocRun(ins);
  if (doc === undefined) return { argv: commandArgv(ins.command, shell), mounts: [] };
  if (doc.kind === 'shell') return { argv: [...shell, doc.command], mounts: [] };
  const file = join(scratch, 'heredoc-script');
  await writeFile(file, doc.data);
  // The mode is set apart from writeFile's, which the umask would narrow.
  await chmod(file, doc.mode);
  return { argv: [...shell, doc.path], mounts: [{ kind: 'bind', source: file, target: doc.path, readonly: true }] };
}
