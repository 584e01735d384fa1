/**
 * RUN --mount, typed with the stage's env (`parseRunMount`) and turned into sandbox mounts and
 * env vars for this one command. Targets relative to the working directory are made absolute,
 * as BuildKit does. What is held (cache locks, SSH agent sockets) is released when the command
 * ends.
 */
import { parseRunMount, type RunInstruction } from '../dockerfile/index.js';
import { InternalError } from '../oci/index.js';
import type { RunMount } from '../sandbox/index.js';
import { bindMount } from './mounts/bind-mount.js';
import { cacheMount } from './mounts/cache-mount.js';
import { mountTarget } from './mounts/mount-target.js';
import { secretMount } from './mounts/secret-mount.js';
import { defaultSshTarget, sshMount, type SshMountSpec, type SshUse } from './mounts/ssh-mount.js';
import { runEnvironment } from './arg-scope.js';
import type { StepContext } from './types.js';

/** The mounts and env vars of one RUN, and how to let go of them. */
export interface RunMounts {
  readonly mounts: readonly RunMount[];
  /**
   * `KEY=VALUE` for this command only, never logged: secrets asked for as env vars, and
   * `SSH_AUTH_SOCK` for the first ssh mount.
   */
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
  let sshCount = 0;
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
        case 'ssh': {
          // BuildKit passes an ssh target on as written (not under WORKDIR), and so its SSH_AUTH_SOCK.
          const target = spec.target ?? defaultSshTarget(sshCount);
          if (sshCount === 0 && !hasVariable(step, 'SSH_AUTH_SOCK')) env.push(`SSH_AUTH_SOCK=${target}`);
          sshCount += 1;
          const use = await sshSocket(spec, mountTarget(target, '/'), step, scratch, index);
          if (use === undefined) break;
          releases.push(use.release);
          mounts.push(use.mount);
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

/** BuildKit sets SSH_AUTH_SOCK only when neither ENV nor an ARG in scope has. */
function hasVariable(step: StepContext, name: string): boolean {
  return runEnvironment(step.config.Env, step.args).some((kv) => kv.startsWith(`${name}=`));
}

async function sshSocket(spec: SshMountSpec, target: string, step: StepContext, scratch: string, index: number): Promise<SshUse | undefined> {
  const agents = step.runMounts?.ssh ?? new Map<string, string>();
  // Only a mount that is served needs to know whose ids the socket must carry.
  const rootless = agents.has(spec.id) && (await step.isolation()).name === 'rootless';
  return sshMount(spec, target, agents, { scratch, index, rootless, logger: step.logger });
}

function cacheRoot(step: StepContext): string {
  if (step.runMounts === undefined) throw new InternalError('RUN --mount=type=cache needs the cache directory the caller passes (BuildDeps.runMounts)');
  return step.runMounts.cacheDir;
}
