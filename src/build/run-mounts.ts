/**
 * RUN --mount, typed with the stage's env (`parseRunMount`) and turned into sandbox mounts and
 * env vars for this one command. Targets relative to the working directory are made absolute,
 * as BuildKit does. What is held (cache locks) is released when the command ends.
 */
import { parseRunMount, type RunInstruction } from '../dockerfile/index.js';
import { InternalError } from '../oci/index.js';
import type { RunMount } from '../sandbox/index.js';
import { bindMount } from './mounts/bind-mount.js';
import { cacheMount } from './mounts/cache-mount.js';
import { mountTarget } from './mounts/mount-target.js';
import { secretMount } from './mounts/secret-mount.js';
import type { StepContext } from './types.js';

/** The mounts and env vars of one RUN, and how to let go of them. */
export interface RunMounts {
  readonly mounts: readonly RunMount[];
  /** `KEY=VALUE` of secrets asked for as env vars: for this command only, never logged. */
  readonly env: readonly string[];
  release(): Promise<void>;
}

/** Prepares every `--mount` of `ins`; `scratch` is a directory of this RUN's own, outside the rootfs. */
export async function runMounts(ins: RunInstruction, step: StepContext, scratch: string): Promise<RunMounts> {
  const mounts: RunMount[] = [];
  const env: string[] = [];
  const releases: (() => Promise<void>)[] = [];
  const release = async () => {
    for (const r of releases.splice(0).reverse()) await r();
  };
  const workdir = step.config.WorkingDir || '/';
  try {
    for (const [index, raw] of (ins.mounts ?? []).entries()) {
      const spec = parseRunMount(raw, ins.loc, step.expand);
      switch (spec.type) {
        case 'tmpfs':
          mounts.push({ kind: 'tmpfs', target: mountTarget(spec.target, workdir), ...(spec.sizeBytes === undefined ? {} : { sizeBytes: spec.sizeBytes }) });
          break;
        case 'bind':
          mounts.push(await bindMount(spec, mountTarget(spec.target, workdir), step, scratch));
          break;
        case 'cache': {
          const held = await cacheMount(spec, mountTarget(spec.target, workdir), cacheRoot(step), step, scratch);
          releases.push(held.release);
          mounts.push(held.mount);
          break;
        }
        case 'secret': {
          const target = spec.target === undefined ? undefined : mountTarget(spec.target, workdir);
          const use = await secretMount(spec, target, step.runMounts?.secrets ?? new Map(), scratch, index);
          mounts.push(...use.mounts);
          env.push(...use.env);
          break;
        }
      }
    }
  } catch (err) {
    await release();
    throw err;
  }
  return { mounts, env, release };
}

function cacheRoot(step: StepContext): string {
  if (step.runMounts === undefined) throw new InternalError('RUN --mount=type=cache needs the cache directory the caller passes (BuildDeps.runMounts)');
  return step.runMounts.cacheDir;
}
