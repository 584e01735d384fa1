/**
 * `--mount=type=ssh`: the `--ssh` agent of that id, for this RUN only, as BuildKit gives it: a
 * socket of our own (see ssh-agent-proxy.ts) in the RUN's scratch directory, outside the rootfs
 * so no layer can hold it, with the spec's owner and mode, bound at the target. An agent nobody
 * passed skips the mount, or is an error with `required=true`.
 */
import { chmod, chown } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunMountSpec } from '../../dockerfile/index.js';
import type { Logger } from '../../log/index.js';
import { TsbuildError } from '../../oci/index.js';
import type { RunMount } from '../../sandbox/index.js';
import { startAgentProxy } from './ssh-agent-proxy.js';

/** A typed `type=ssh` mount. */
export type SshMountSpec = Extract<RunMountSpec, { type: 'ssh' }>;

/** A socket mount and how to stop serving it. */
export interface SshUse {
  readonly mount: RunMount;
  readonly release: () => Promise<void>;
}

/** Where BuildKit puts the socket of a RUN's `n`th ssh mount (from 0) without a target. */
export function defaultSshTarget(n: number): string {
  return `/run/buildkit/ssh_agent.${n}`;
}

/** A unix socket path longer than this does not fit `sockaddr_un` (108 bytes with the NUL). */
const MAX_SOCKET_PATH = 107;

/** What the socket's owner must be on the host for the RUN to see `spec`'s uid and gid. */
function hostOwner(spec: SshMountSpec, rootless: boolean): { uid: number; gid: number } | undefined {
  if (!rootless) return { uid: spec.uid, gid: spec.gid };
  // The rootless sandbox maps the caller to 0, which already owns the socket; other ids belong
  // to subordinate ranges that a non-root process cannot chown to.
  if (spec.uid === 0 && spec.gid === 0) return undefined;
  throw new TsbuildError('TSB_SANDBOX', `RUN --mount=type=ssh,uid=${spec.uid},gid=${spec.gid}: the rootless sandbox can only give the socket to uid 0 and gid 0`);
}

/**
 * Serves the agent of `spec.id` at `target` (absolute); undefined when it was not given and
 * is not required. `index` names the socket within `scratch`.
 */
export async function sshMount(
  spec: SshMountSpec,
  target: string,
  agents: ReadonlyMap<string, string>,
  options: { readonly scratch: string; readonly index: number; readonly rootless: boolean; readonly logger: Logger },
): Promise<SshUse | undefined> {
  const agent = agents.get(spec.id);
  if (agent === undefined) {
    if (!spec.required) return undefined;
    throw new TsbuildError('TSB_USAGE', `no SSH agent or key ${JSON.stringify(spec.id)} forwarded: RUN --mount=type=ssh,id=${spec.id},required=true needs --ssh ${spec.id}[=<socket>|<key file>]`);
  }
  const owner = hostOwner(spec, options.rootless);
  const socket = join(options.scratch, `ssh-${options.index}.sock`);
  if (Buffer.byteLength(socket) > MAX_SOCKET_PATH) {
    throw new TsbuildError('TSB_SANDBOX', `RUN --mount=type=ssh: the work directory's path is too long for a unix socket (${Buffer.byteLength(socket)} of at most ${MAX_SOCKET_PATH} bytes); use a shorter --kaniko-dir`);
  }
  const onError = (reason: string) => options.logger.warn(`RUN --mount=type=ssh,id=${spec.id}: ${reason}`);
  const proxy = await startAgentProxy(socket, agent, onError);
  try {
    if (owner !== undefined) await chown(socket, owner.uid, owner.gid);
    await chmod(socket, spec.mode);
  } catch (err) {
    await proxy.close();
    throw err;
  }
  return { mount: { kind: 'bind', source: socket, target, readonly: false }, release: () => proxy.close() };
}
