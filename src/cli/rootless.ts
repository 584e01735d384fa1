/**
 * Rootless builds, as rootless podman and `buildah unshare` do them: a non-root tsbuild
 * re-executes itself in a new user namespace where it is uid 0 with the caller's subordinate ids
 * (rootless-mapping.ts), so that extracting layers with their owners, COPY --chown, cache and
 * secret mounts and the RUN sandbox (the `chroot` strategy, inside) all work as for root, while
 * on disk every file belongs to the caller or to one of its subordinate ids. What the child
 * writes as 0 (outputs, the cache dir, the work dir itself) belongs to the caller outside.
 *
 * This process, the launcher, only waits: the child inherits argv, the environment (plus the
 * marker that stops it from re-executing again), cwd and stdio; SIGINT, SIGTERM and SIGHUP are
 * forwarded, and the launcher ends with the child's exit status, never before it. Should the
 * launcher die anyway, the child sees its lifeline close and stops (rootless-child.ts).
 *
 * Where no user namespace can be made (no util-linux unshare, or the kernel forbids it), the
 * build runs in this process as before: the sandbox then reports what RUN cannot do.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { constants, userInfo } from 'node:os';
import { readSubordinateIds } from '../sandbox/index.js';
import { FORWARDED_SIGNALS, InterruptCleanup } from './rootless-child.js';
import { mappingWorks, planMappings, type CallerIds, type NamespaceMapping } from './rootless-mapping.js';

/** Set in the child's environment: the mapping's kind, and that it must not re-execute. */
export const USERNS_MARKER = 'TSBUILD_USERNS';

/** What `main` does after `enterUserNamespace`. */
export interface UserNamespaceEntry {
  /** Set in the launcher: the child's exit status, which this process ends with; it must not build. */
  readonly exitCode: number | undefined;
  /** Returns `dir`, to be removed (inside the namespace) if the build is interrupted. */
  removeOnInterrupt(dir: string): string;
}

const BUILD_HERE: UserNamespaceEntry = { exitCode: undefined, removeOnInterrupt: (dir) => dir };

function userName(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined; // No passwd entry: newuidmap would refuse it anyway.
  }
}

async function callerIds(uid: number, gid: number): Promise<CallerIds> {
  const user = userName();
  const [subuids, subgids] = await Promise.all([
    readSubordinateIds('/etc/subuid', user, uid),
    readSubordinateIds('/etc/subgid', user, gid),
  ]);
  return { uid, gid, user, subuids, subgids };
}

/** The first mapping `unshare` can make here, if any. */
async function workingMapping(proc: NodeJS.Process): Promise<NamespaceMapping | undefined> {
  const ids = await callerIds(proc.getuid!(), proc.getgid!());
  for (const mapping of planMappings(ids)) {
    if (await mappingWorks('unshare', mapping, proc.env)) return mapping;
  }
  return undefined;
}

/** Runs this same command in the namespace and returns its exit status (128 + n after signal n). */
async function runChild(proc: NodeJS.Process, mapping: NamespaceMapping): Promise<number> {
  const argv = [...mapping.args, '--', proc.execPath, ...proc.execArgv, ...proc.argv.slice(1)];
  // fd 3 is the lifeline: this process never writes to it, and it closes when this process dies.
  const child = spawn('unshare', argv, { stdio: ['inherit', 'inherit', 'inherit', 'pipe'], env: { ...proc.env, [USERNS_MARKER]: mapping.kind } });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  for (const signal of FORWARDED_SIGNALS) proc.on(signal, forward);
  try {
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    return signal === null ? (code ?? 1) : 128 + constants.signals[signal];
  } catch (error) {
    proc.stderr.write(`tsbuild: cannot start unshare for a rootless build: ${(error as Error).message}\n`);
    return 1;
  } finally {
    for (const signal of FORWARDED_SIGNALS) proc.off(signal, forward);
  }
}

/**
 * Called first by main: as root, builds here; as the re-executed child, prepares the cleanup on
 * interruption and builds here; as any other user, runs the build in a user namespace and
 * returns its exit status.
 */
export async function enterUserNamespace(proc: NodeJS.Process): Promise<UserNamespaceEntry> {
  if (proc.env[USERNS_MARKER] !== undefined) {
    const cleanup = new InterruptCleanup(proc);
    cleanup.install();
    return { exitCode: undefined, removeOnInterrupt: (dir) => cleanup.add(dir) };
  }
  if (proc.getuid === undefined || proc.getuid() === 0) return BUILD_HERE;
  const mapping = await workingMapping(proc);
  if (mapping === undefined) return BUILD_HERE;
  return { exitCode: await runChild(proc, mapping), removeOnInterrupt: (dir) => dir };
}
