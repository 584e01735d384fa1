/**
 * Starting util-linux `unshare` for a sandbox and, when it makes a user namespace, writing that
 * namespace's id maps at the one moment they are due: after the reaper has unshared (it says
 * "ready" on the sync fd) and before it forks the init (the parent answers "go").
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import type { Duplex } from 'node:stream';
import { TsbuildError } from '../oci/index.js';
import { SYSTEM_DIRS, type HostTools } from './host-tools.js';
import type { IdMapper } from './id-maps.js';
import { killNamespace } from './kill-namespace.js';
import { SYNC_FD } from './sandbox-script.js';

/** A started sandbox: the unshare process and its end. */
export interface NamespaceProcess {
  readonly child: ChildProcess;
  /** Exit code and signal; resolves after every stdio stream has closed. */
  readonly closed: Promise<readonly [number | null, string | null]>;
  /** The spawn error, if unshare could not be started at all. */
  spawnError(): Error | undefined;
  /** SIGKILLs the namespace's init and unshare, if still running. */
  kill(): void;
}

function awaitReady(sync: Duplex, closed: Promise<unknown>): Promise<boolean> {
  return new Promise((resolve) => {
    let seen = '';
    sync.setEncoding('utf8');
    sync.on('data', (chunk: string) => {
      seen += chunk;
      if (seen.includes('ready\n')) resolve(true);
    });
    sync.on('error', () => resolve(false));
    void closed.then(() => resolve(false));
  });
}

/**
 * Spawns `unshare args` with fds 0–3 as given (3 is the status channel) and, with a `mapper`,
 * fd 4 for the handshake. Rejects (the child killed) when the maps cannot be written.
 */
export async function startNamespaced(tools: HostTools, args: readonly string[], stdio: readonly ('ignore' | 'pipe')[], mapper: IdMapper | null): Promise<NamespaceProcess> {
  const fds: StdioOptions = mapper === null ? [...stdio] : [...stdio, ...Array<'ignore'>(SYNC_FD - stdio.length).fill('ignore'), 'pipe'];
  const child = spawn(tools.unshare, args, { stdio: fds, env: { PATH: SYSTEM_DIRS.join(':') }, cwd: '/' });
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });
  const closed = new Promise<readonly [number | null, string | null]>((r) => child.once('close', (code, signal) => r([code, signal])));
  const kill = () => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) killNamespace(child.pid);
  };
  const started: NamespaceProcess = { child, closed, spawnError: () => spawnError, kill };
  if (mapper === null) return started;
  const sync = child.stdio[SYNC_FD] as Duplex;
  if (!(await awaitReady(sync, closed)) || child.pid === undefined) {
    // The reaper ended before asking for its maps: the caller reads why from its output.
    sync.destroy();
    return started;
  }
  try {
    await mapper.apply(child.pid);
  } catch (error) {
    kill();
    sync.destroy();
    await closed;
    throw error;
  }
  sync.end('go\n');
  return started;
}

/** Runs a trial to its end; resolves to undefined on success, else what went wrong. */
export async function runTrial(tools: HostTools, args: readonly string[], mapper: IdMapper | null): Promise<string | undefined> {
  let stderr = '';
  try {
    const trial = await startNamespaced(tools, args, ['ignore', 'ignore', 'pipe', 'ignore'], mapper);
    trial.child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const [code, signal] = await trial.closed;
    const error = trial.spawnError();
    if (error !== undefined) return `cannot start ${tools.unshare}: ${error.message}`;
    if (code === 0) return undefined;
    return stderr.trim() || `unshare ended with ${signal ?? `exit code ${code}`}`;
  } catch (error) {
    if (error instanceof TsbuildError) return error.message;
    throw error;
  }
}
