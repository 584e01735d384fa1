/**
 * COPY/ADD heredoc sources (`COPY <<EOF /path`, `COPY <<a <<b /dir/`), as BuildKit's
 * `dispatchCopy` makes them: each body becomes a file named after its delimiter, mode 0644
 * (BuildKit `llb.Mkfile(name, 0644, data)`), its content expanded with the stage's ENV and ARGs
 * unless the delimiter was quoted (`heredocFileContent`). The file is then copied like any other
 * source, so `--chown` and `--chmod` apply and the destination rules are COPY's.
 */
import { randomUUID } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { heredocFileContent, type Heredoc } from '../dockerfile/index.js';
import type { CopySource } from '../fs/index.js';
import { TsbuildError } from '../oci/index.js';
import { envLookup } from './arg-scope.js';
import type { StepContext } from './types.js';

/** BuildKit's mode for a heredoc file. */
export const HEREDOC_FILE_MODE = 0o644;

/** Writes each heredoc as a file below the step's scratch dir; returns them as file sources. */
export function heredocSources(docs: readonly Heredoc[] | undefined, step: StepContext): CopySource[] {
  if (docs === undefined || docs.length === 0) return [];
  const env = envLookup(step.config.Env, step.args);
  return docs.map((doc) => {
    const name = posix.basename(doc.name);
    if (name === '' || name === '.' || name === '..') {
      throw new TsbuildError('TSB_COPY_SOURCE', `heredoc <<${doc.name} does not name a file`);
    }
    const dir = join(step.scratchDir, `heredoc-${randomUUID()}`);
    mkdirSync(dir, { recursive: true });
    const hostPath = join(dir, name);
    writeFileSync(hostPath, heredocFileContent(doc, env).value, { mode: HEREDOC_FILE_MODE });
    // The process umask must not decide the mode.
    chmodSync(hostPath, HEREDOC_FILE_MODE);
    return { name, hostPath, isDir: false, entries: [{ rel: '', hostPath, stats: lstatSync(hostPath) }] };
  });
}
