/**
 * A real OpenSSH server for git over ssh in tests, and real agents: `/usr/sbin/sshd` (Debian
 * package openssh-server) in the foreground on a loopback address, with a config, host key,
 * authorized keys and pid file of its own in a temp dir and no user configuration. Logins are as
 * the user running the tests (root here: `PermitRootLogin prohibit-password`, keys only), so a
 * repository is reached by its absolute path, e.g. `ssh://root@127.0.0.1:<port>/abs/repo.git`.
 * Agents are OpenSSH `ssh-agent -D` processes holding one key each, made by `ssh-keygen`.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const SSHD = '/usr/sbin/sshd';
const TOOL_ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/dev/null' };

/** A key pair made by ssh-keygen: the private key file, its `.pub` line, and its fingerprint. */
export interface TestKey {
  readonly path: string;
  readonly publicLine: string;
  readonly fingerprint: string;
}

/** Makes an ed25519 key without a passphrase at `path`. */
export function makeKey(path: string, comment = 'tsbuild-test'): TestKey {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path], { env: TOOL_ENV });
  const fingerprint = execFileSync('ssh-keygen', ['-l', '-f', path], { env: TOOL_ENV, encoding: 'utf8' }).split(' ')[1]!;
  return { path, publicLine: readFileSync(`${path}.pub`, 'utf8').trim(), fingerprint };
}

/** A running sshd. */
export interface SshGitServer {
  /** The address it listens on. */
  readonly address: string;
  readonly port: number;
  /** The login user: whoever runs the tests. */
  readonly user: string;
  /** The server's host key as `<type> <base64>` (no host name, no comment). */
  readonly hostKey: string;
  /** Everything sshd logged to stderr so far. */
  log(): string;
  stop(): Promise<void>;
}

/** Where to listen: a free port on 127.0.0.1 unless said otherwise. */
export interface SshGitServerOptions {
  readonly address?: string;
  readonly port?: number;
  /** Another host key than the one generated, e.g. to stand in for a server whose key changed. */
  readonly hostKeyFile?: string;
}

async function freePort(address: string): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done, fail) => probe.once('error', fail).listen(0, address, done));
  const { port } = probe.address() as AddressInfo;
  await new Promise((done) => probe.close(done));
  return port;
}

async function waitForBanner(address: string, port: number, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    if (child.exitCode !== null) throw new Error(`sshd exited with ${child.exitCode}: ${log()}`);
    const banner = await new Promise<boolean>((done) => {
      const socket = connect(port, address);
      socket.once('data', (d: Buffer) => {
        socket.destroy();
        done(d.toString('latin1').startsWith('SSH-'));
      });
      socket.once('error', () => done(false));
    });
    if (banner) return;
    await sleep(25);
  }
  throw new Error(`sshd did not start listening: ${log()}`);
}

/**
 * Starts sshd in `dir` (which it owns from then on) admitting `authorized` keys. A free port
 * can be taken by another test before sshd binds it: then sshd is started again on another.
 */
export async function startSshGitServer(dir: string, authorized: readonly TestKey[], options: SshGitServerOptions = {}): Promise<SshGitServer> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startOnce(dir, authorized, options);
    } catch (err) {
      if (options.port !== undefined || attempt === 3 || !/Address already in use/.test(String(err))) throw err;
    }
  }
}

async function startOnce(dir: string, authorized: readonly TestKey[], options: SshGitServerOptions): Promise<SshGitServer> {
  mkdirSync(dir, { recursive: true });
  // sshd's privilege separation needs this directory; the Debian service makes it at start.
  if (!existsSync('/run/sshd')) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const ownKey = join(dir, 'host_key');
  // A server restarted in the same dir keeps its key.
  const hostKeyFile = options.hostKeyFile ?? (existsSync(ownKey) ? ownKey : makeKey(ownKey, 'host').path);
  writeFileSync(join(dir, 'authorized_keys'), authorized.map((k) => `${k.publicLine}\n`).join(''), { mode: 0o600 });
  const address = options.address ?? '127.0.0.1';
  const port = options.port ?? (await freePort(address));
  const config = [
    `ListenAddress ${address}:${port}`,
    `HostKey ${hostKeyFile}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'PermitRootLogin prohibit-password',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'PrintMotd no',
    'PrintLastLog no',
    'AcceptEnv GIT_PROTOCOL',
    'LogLevel VERBOSE',
  ];
  writeFileSync(join(dir, 'sshd_config'), `${config.join('\n')}\n`);
  const child = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], { env: TOOL_ENV, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  try {
    await waitForBanner(address, port, child, () => stderr);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  const [type, base64] = readFileSync(`${hostKeyFile}.pub`, 'utf8').split(' ');
  return {
    address,
    port,
    user: userInfo().username,
    hostKey: `${type} ${base64}`,
    log: () => stderr,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const closed = once(child, 'close');
      child.kill('SIGTERM');
      await closed;
    },
  };
}

/** A running ssh-agent holding one key. */
export interface TestAgent {
  readonly socket: string;
  readonly key: TestKey;
  stop(): Promise<void>;
}

/** Starts `ssh-agent -D` on `<dir>/<name>.sock` and loads a new key into it. */
export async function startTestAgent(dir: string, name: string): Promise<TestAgent> {
  const key = makeKey(join(dir, `${name}-key`), `tsbuild-test-${name}`);
  const socket = join(dir, `${name}.sock`);
  const child = spawn('ssh-agent', ['-D', '-a', socket], { env: TOOL_ENV, stdio: 'ignore' });
  for (let i = 0; i < 250 && !existsSync(socket); i += 1) await sleep(20);
  execFileSync('ssh-add', ['-q', key.path], { env: { ...TOOL_ENV, SSH_AUTH_SOCK: socket }, stdio: 'pipe' });
  return {
    socket,
    key,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const closed = once(child, 'close');
      child.kill('SIGTERM');
      await closed;
    },
  };
}
