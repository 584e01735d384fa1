/**
 * `--ssh` values to the agent sockets RUN --mount=type=ssh relays to, with buildx's rules: no
 * path means the caller's SSH_AUTH_SOCK; one path that is a socket is that agent; otherwise
 * every path is a private key file, served by an agent started for the build (ssh-key-agent.ts).
 * Ids are unique. Paths are checked here, before any work; the agents are not contacted.
 */
import { statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UsageError } from '../oci/index.js';
import type { SshFlag } from './ssh-flag.js';
import { startKeyAgent, type KeyAgent } from './ssh-key-agent.js';

/** The agents of a build, by id; `stop` ends those tsbuild started. */
export interface SshAgents {
  readonly sockets: ReadonlyMap<string, string>;
  stop(): Promise<void>;
}

/** Where the CLI finds things: its environment, its directory, and the build's work dir. */
export interface SshAgentsEnvironment {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly workDir: string;
}

type Source = { readonly kind: 'socket'; readonly path: string } | { readonly kind: 'keys'; readonly paths: readonly string[] };

function sourceOf(flag: SshFlag, run: SshAgentsEnvironment): Source {
  if (flag.paths.length === 0) {
    const sock = run.env['SSH_AUTH_SOCK'];
    if (sock === undefined || sock === '') {
      throw new UsageError(`--ssh ${flag.id}: SSH_AUTH_SOCK is not set (start an ssh-agent, or give --ssh ${flag.id}=<socket>|<key file>)`);
    }
    return sourceOf({ id: flag.id, paths: [sock] }, run);
  }
  const paths = flag.paths.map((p) => resolve(run.cwd, p));
  const sockets = paths.filter((p) => {
    const st = statSync(p, { throwIfNoEntry: false });
    if (st === undefined) throw new UsageError(`--ssh ${flag.id}: ${p} does not exist`);
    return st.isSocket();
  });
  if (sockets.length === 0) return { kind: 'keys', paths };
  if (sockets.length > 1) throw new UsageError(`--ssh ${flag.id}: only one agent socket is allowed`);
  if (paths.length > 1) throw new UsageError(`--ssh ${flag.id}: an agent socket and key files cannot be combined`);
  return { kind: 'socket', path: sockets[0]! };
}

/** Resolves every `--ssh` and starts an agent for each set of key files. */
export async function startSshAgents(flags: readonly SshFlag[], run: SshAgentsEnvironment): Promise<SshAgents> {
  const sources = new Map<string, Source>();
  for (const flag of flags) {
    if (sources.has(flag.id)) throw new UsageError(`--ssh: duplicate agent ID ${JSON.stringify(flag.id)}`);
    sources.set(flag.id, sourceOf(flag, run));
  }
  const sockets = new Map<string, string>();
  const started: KeyAgent[] = [];
  const stop = async () => {
    await Promise.all(started.splice(0).map((a) => a.stop()));
  };
  try {
    for (const [id, source] of sources) {
      if (source.kind === 'socket') {
        sockets.set(id, source.path);
        continue;
      }
      const dir = join(run.workDir, 'ssh-agents');
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const agent = await startKeyAgent(source.paths, join(dir, `${started.length}.sock`), id, run.env['PATH'] ?? '/usr/bin:/bin');
      started.push(agent);
      sockets.set(id, agent.socket);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { sockets, stop };
}
