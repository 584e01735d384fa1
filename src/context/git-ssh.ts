/**
 * git over ssh (`ssh://[user@]host[:port]/path`, scp-style `user@host:path`, which has no port),
 * as BuildKit 1.20 does it for a git source:
 * - The key comes only from the `--ssh` agent `default`: `llb.Git` mounts that id for every ssh
 *   remote (`MountSSHSock` unset), and the Dockerfile frontend sets no other. Without it the
 *   source fails ("no SSH key "default" forwarded from the client"). The agent reaches ssh through
 *   `SSH_AUTH_SOCK` only; no identity file and no ssh configuration of this machine is read
 *   (`-F /dev/null`, `IdentityFile=none`, both known-hosts files `/dev/null`).
 * - Host keys are trusted on first use, per source: BuildKit's frontend scans the server's key
 *   (`sshutil.SSHKeyScan`, best effort) and git's ssh then accepts only that key
 *   (`UserKnownHostsFile` with the scan, StrictHostKeyChecking left at `ask`, which fails without
 *   a terminal); when the scan gets no key, ssh runs with `StrictHostKeyChecking=no` and accepts
 *   any. Here `ssh-keyscan` scans once, before the first git command of a GitCli (so once for the
 *   cache key's `ls-remote` and once for the checkout), and every later ssh connection of that
 *   GitCli (fetch, submodules) must present a scanned key, else "Host key verification failed".
 *   A submodule on another ssh host therefore fails, as in BuildKit. The scanned lines reach ssh
 *   through its environment (`KnownHostsCommand=printenv …`), so no file is written. A
 *   non-standard port is scanned and matched as `[host]:port`: BuildKit 1.20's scan dropped the
 *   port, so its pinned key never matched and such URLs failed; BuildKit fixed that (#6895), and
 *   tsbuild follows the fix. BuildKit pins the first key it sees, ssh-keyscan all the server's.
 * - The user is the URL's; without one ssh logs in as the user tsbuild runs as (BuildKit's
 *   daemon: root). Connections time out after 30 s, and a silent one after a minute.
 */
import { spawn } from 'node:child_process';
import { TsbuildError } from '../oci/index.js';
import type { GitSource } from './git-ref.js';

/** The `--ssh` agent id BuildKit's `llb.Git` mounts for ssh remotes. */
export const GIT_SSH_AGENT_ID = 'default';

/** Carries the scanned known-hosts lines from tsbuild through git to ssh's KnownHostsCommand. */
const KNOWN_HOSTS_VAR = 'TSBUILD_SSH_KNOWN_HOSTS';
const SCAN_TIMEOUT_S = 10;
const PATH = '/usr/sbin:/usr/bin:/sbin:/bin';

/** Where an ssh remote's server listens. */
export interface SshEndpoint {
  readonly host: string;
  readonly port: number;
}

/** The host and port of `source` (an ssh source): `host[:port]`, IPv6 in brackets, port 22 by default. */
export function sshEndpoint(source: GitSource): SshEndpoint {
  const match = /^\[([^\]]+)\](?::(\d+))?$/.exec(source.host) ?? /^([^:]+)(?::(\d+))?$/.exec(source.host);
  if (match?.[1] === undefined) throw new TsbuildError('TSB_COPY_SOURCE', `ADD ${source.display}: invalid git URL: no ssh host in ${JSON.stringify(source.host)}`);
  return { host: match[1], port: match[2] === undefined ? 22 : Number.parseInt(match[2], 10) };
}

/** The error for an ssh source when the build has no `--ssh default`. */
export function noSshAgentError(source: GitSource): TsbuildError {
  return new TsbuildError(
    'TSB_USAGE',
    `ADD ${source.display}: no SSH key "${GIT_SSH_AGENT_ID}" forwarded: cloning over ssh authenticates with the SSH agent given as --ssh ${GIT_SSH_AGENT_ID} (the agent at $SSH_AUTH_SOCK), --ssh ${GIT_SSH_AGENT_ID}=<agent socket> or --ssh ${GIT_SSH_AGENT_ID}=<private key file>`,
  );
}

/**
 * The server's host keys as known_hosts lines (`[host]:port` for a port other than 22), or ''
 * when the scan got none: BuildKit's scan is best effort too.
 */
export function scanHostKeys(endpoint: SshEndpoint): Promise<string> {
  const args = ['-T', String(SCAN_TIMEOUT_S), '-p', String(endpoint.port), '--', endpoint.host];
  return new Promise((resolve, reject) => {
    const child = spawn('ssh-keyscan', args, { env: { PATH, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.on('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'ENOENT' ? 'ssh-keyscan was not found (Debian package "openssh-client")' : err.message;
      reject(new TsbuildError('TSB_COPY_SOURCE', `cannot scan the host key of ${endpoint.host}: ${why}`, { cause: err }));
    });
    child.on('close', () => {
      const lines = out.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
      resolve(lines.length === 0 ? '' : `${lines.join('\n')}\n`);
    });
  });
}

/** The ssh command git runs: with the scanned keys pinned, or (no keys) accepting any. */
function sshCommand(pinned: boolean): string {
  const options = [
    'BatchMode=yes',
    'IdentityFile=none',
    'UserKnownHostsFile=/dev/null',
    'GlobalKnownHostsFile=/dev/null',
    'UpdateHostKeys=no',
    'ConnectTimeout=30',
    'ServerAliveInterval=15',
    'ServerAliveCountMax=4',
    // Keeps "Permanently added … to the list of known hosts" out of error tails.
    'LogLevel=ERROR',
    ...(pinned ? ['StrictHostKeyChecking=yes', `KnownHostsCommand=/usr/bin/printenv ${KNOWN_HOSTS_VAR}`] : ['StrictHostKeyChecking=no']),
  ];
  // git runs this through the shell; each option is one quoted word.
  return ['ssh', '-F', '/dev/null', ...options.flatMap((o) => ['-o', `'${o}'`])].join(' ');
}

/** The environment git needs for `source` over ssh with the agent at `agentSocket`, host keys scanned now. */
export async function gitSshEnvironment(source: GitSource, agentSocket: string): Promise<Record<string, string>> {
  const knownHosts = await scanHostKeys(sshEndpoint(source)).catch((err: Error) => {
    throw new TsbuildError('TSB_COPY_SOURCE', `ADD ${source.display}: ${err.message}`, { cause: err });
  });
  return {
    SSH_AUTH_SOCK: agentSocket,
    GIT_SSH_COMMAND: sshCommand(knownHosts !== ''),
    ...(knownHosts === '' ? {} : { [KNOWN_HOSTS_VAR]: knownHosts }),
  };
}
