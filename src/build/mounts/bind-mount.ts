/**
 * `--mount=type=bind`: a path of the context (as sent, so `.dockerignore` applies), of a stage
 * or of an image, resolved inside its tree so that it never leaves it. Read-only by default; `rw`
 * mounts a throwaway copy, so the context and the other stage stay as they were.
 */
import { existsSync } from 'node:fs';
import { posix } from 'node:path';
import { resolveInRoot } from '../../fs/index.js';
import { TsbuildError } from '../../oci/index.js';
import type { BindMountSpec } from '../../dockerfile/index.js';
import type { RunMount } from '../../sandbox/index.js';
import type { StepContext } from '../types.js';
import { throwawayCopy } from './throwaway-copy.js';

/** The sandbox mount for one bind spec (its target already absolute). */
export async function bindMount(spec: BindMountSpec, target: string, step: StepContext, scratch: string): Promise<RunMount> {
  const tree = spec.from === undefined ? step.context : await step.copyFromTree(spec.from);
  const source = await resolveInRoot(tree.dir, posix.resolve('/', spec.source));
  if (!existsSync(source)) throw new TsbuildError('TSB_COPY_SOURCE', `RUN --mount=type=bind: ${spec.source} not found in ${tree.description}`);
  const filtered = tree.ignore.patterns.length > 0;
  const hostPath = spec.readonly && !filtered ? source : await throwawayCopy(source, tree.dir, tree.ignore, scratch);
  return { kind: 'bind', source: hostPath, target, readonly: spec.readonly };
}
