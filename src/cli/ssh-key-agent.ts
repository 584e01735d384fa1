/**
 * An SSH agent serving key files, for `--ssh <id>=<key file>[,…]`. BuildKit serves such keys
 * from an agent inside its own process; tsbuild runs OpenSSH's `ssh-agent` for the build instead
 * (an agent of our own would mean parsing every private key format and signing with each key
 * type, which OpenSSH already does right) and loads the keys with `ssh-add`. The agent is
 * watched by a small shell that kills it when its stdin, a pipe from tsbuild, closes: when the
 * build ends, and also when tsbuild dies in any way (a parent-death signal would not do: Debian's
 * ssh-agent is setgid, and exec of a setgid file clears it), so no agent outlives the build
 * holding keys.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { open } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { UsageError } from '../oci/index.js';

/** A started agent; `stop` kills it and waits for it to end. */
export interface KeyAgent {
  readonly socket: string;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 10_000;
const POLL_MS = 20;
/** What is kept of a tool's stderr for an error message. */
const STDERR_CAP = 4096;

function missingTool(id: string): UsageError {
  return new UsageError(`--ssh ${id}=<key file>: needs ssh-agent and ssh-add (Debian/Ubuntu package openssh-client)`);
}

/**
 * The agent in the background; the shell ends when it does, and kills it once stdin closes (an
 * asynchronous list reads /dev/null unless told otherwise, hence fd 3).
 */
const WATCH_SCRIPT = `exec 3<&0
ssh-agent -D -a "$1" </dev/null 3<&- &
agent=$!
{ read -r _ <&3; kill "$agent" 2>/dev/null; } &
wait "$agent"
`;

/** Exit status of a shell for a command it could not find. */
const NOT_FOUND = 127;


function collectStderr(child: ChildProcess): () => string {
  let text = '';
  child.stderr?.on('data', (d: Buffer) => {
    if (text.length < STDERR_CAP) text += d.toString('utf8');
  });
  return () => text.trim().slice(0, STDERR_CAP);
}

/**
 * Settles once `child` ended and every holder of its stderr let go (for the watcher: the agent
 * too), with the exit code (null after a signal), or the error of a process that never started.
 * Called at spawn, so that no event is missed.
 */
function ended(child: ChildProcess): Promise<number | null | NodeJS.ErrnoException> {
  return new Promise((done) => {
    child.once('close', (code) => done(code));
    child.once('error', (err) => done(err));
  });
}

/** Whether something accepts connections on `socket` (the file appears at bind(), before listen()). */
function accepts(socket: string): Promise<boolean> {
  return new Promise((done) => {
    const probe = createConnection(socket);
    probe.once('connect', () => {
      probe.destroy();
      done(true);
    });
    probe.once('error', () => done(false));
  });
}

/** Waits until the agent listens on `socket`, or fails with why it did not. */
async function waitReady(child: ChildProcess, socket: string, id: string, stderr: () => string): Promise<void> {
  let spawnError: NodeJS.ErrnoException | undefined;
  child.once('error', (err) => (spawnError = err));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await accepts(socket))) {
    if (spawnError?.code === 'ENOENT' || child.exitCode === NOT_FOUND) throw missingTool(id);
    if (spawnError !== undefined || child.exitCode !== null || Date.now() > deadline) {
      throw new UsageError(`--ssh ${id}: ssh-agent did not start${stderr() ? `: ${stderr()}` : ''}`, { cause: spawnError });
    }
    await sleep(POLL_MS);
  }
}

/**
 * Loads one key, handed to ssh-add as its stdin: BuildKit loads key files whatever their mode,
 * while ssh-add refuses a file others may read (a Kubernetes secret volume's default 0644).
 * Detached, without askpass: a key with a passphrase fails instead of prompting.
 */
async function addKey(key: string, socket: string, id: string, path: string): Promise<void> {
  const fd = await open(key, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`--ssh ${id}: cannot read ${key} (${err.code ?? err.message})`, { cause: err });
  });
  const env = { PATH: path, SSH_AUTH_SOCK: socket, SSH_ASKPASS_REQUIRE: 'never' };
  const add = spawn('ssh-add', ['-q', '-'], { env, detached: true, stdio: [fd.fd, 'ignore', 'pipe'] });
  const stderr = collectStderr(add);
  const closed = ended(add);
  // The child has its own copy of the descriptor.
  await fd.close();
  const code = await closed;
  if (typeof code === 'object' && code !== null) throw code.code === 'ENOENT' ? missingTool(id) : new UsageError(`--ssh ${id}: ssh-add failed`, { cause: code });
  if (code === 0) return;
  // With nothing to read a passphrase from, ssh-add's prompt is all it says about such a key.
  const why = /passphrase/i.test(stderr())
    ? 'it is protected by a passphrase (load it into an ssh-agent and give that agent\'s socket instead)'
    : stderr() || `ssh-add exited with ${String(code)}`;
  // ssh-add says why (bad format, passphrase needed), never the key's content.
  throw new UsageError(`--ssh ${id}: cannot load the key file ${key}: ${why}`);
}

/**
 * Starts an agent listening on `socket` (which must not exist) holding `keys`; `path` is the
 * PATH the tools are looked up in.
 */
export async function startKeyAgent(keys: readonly string[], socket: string, id: string, path: string): Promise<KeyAgent> {
  // Detached: a terminal's Ctrl-C reaches tsbuild, whose exit then closes the pipe.
  const watcher = spawn('sh', ['-c', WATCH_SCRIPT, 'sh', socket], { env: { PATH: path }, detached: true, stdio: ['pipe', 'ignore', 'pipe'] });
  // An EPIPE when the watcher is already gone changes nothing: the agent went with it.
  watcher.stdin?.on('error', () => {});
  const stderr = collectStderr(watcher);
  const closed = ended(watcher);
  const stop = async () => {
    watcher.stdin?.end();
    await closed;
  };
  try {
    await waitReady(watcher, socket, id, stderr);
    for (const key of keys) await addKey(key, socket, id, path);
  } catch (err) {
    await stop();
    throw err;
  }
  return { socket, stop };
}
