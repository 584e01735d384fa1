/**
 * The build context: a local directory and the ignore rules that hide part of it from COPY.
 * The Dockerfile and the ignore file themselves are read by the builder directly; excluding them
 * only makes them uncopyable, as with BuildKit.
 */
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { TsbuildError } from '../oci/index.js';
import { type IgnoreRules, readIgnoreRules } from './ignore-rules.js';
import type { SourceTree } from './source-tree.js';

/** An opened build context: a source tree whose symlinks may not lead out of it. */
export interface BuildContext extends SourceTree {
  /** The Dockerfile, absolute. */
  readonly dockerfilePath: string;
  /** `.dockerignore` (or `<Dockerfile>.dockerignore`) rules. */
  readonly ignore: IgnoreRules;
}

/** How to open a context. */
export interface OpenContextOptions {
  /** Absolute, or relative to the context directory. */
  readonly dockerfilePath: string;
}

/** Opens the local directory context `dir`. Tar and git contexts are not supported yet. */
export async function openContext(dir: string, opts: OpenContextOptions): Promise<BuildContext> {
  let real: string;
  try {
    real = await realpath(dir);
  } catch (err) {
    throw new TsbuildError('TSB_CONTEXT', `build context ${dir} does not exist or cannot be read`, { cause: err });
  }
  if (!(await stat(real)).isDirectory()) {
    throw new TsbuildError('TSB_CONTEXT', `build context ${dir} is not a directory (tar contexts are not supported yet)`);
  }
  const dockerfilePath = isAbsolute(opts.dockerfilePath) ? opts.dockerfilePath : join(real, opts.dockerfilePath);
  return { dir: real, dockerfilePath, ignore: await readIgnoreRules(real, dockerfilePath), links: 'context', description: 'the build context' };
}
