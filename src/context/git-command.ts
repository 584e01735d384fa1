/**
 * Runs the `git` binary for one git source, the way BuildKit drives it: non-interactive
 * (`GIT_TERMINAL_PROMPT=0`, stdin closed), no system or user configuration (`HOME=/dev/null`,
 * `GIT_CONFIG_NOSYSTEM`, `GIT_CONFIG_GLOBAL=/dev/null`), the C locale, umask 022 (BuildKit's
 * `runWithStandardUmask`, so checked-out files are 0644/0755 whatever this process's umask is),
 * and an environment built here from nothing. Only http, https and git transports are allowed
 * (`GIT_ALLOW_PROTOCOL`), so a submodule cannot reach local files; ssh is added for an ssh
 * remote, which then has the `--ssh` agent (git-ssh.ts), and its submodules may use ssh too, as
 * in BuildKit (which blocks only `file`). The authorization
 * header travels as environment configuration (`GIT_CONFIG_KEY_n`), never on a command line.
 * Automatic gc is off: a detached `git gc` must not outlive the step. Each command has a
 * timeout, after which its whole process group is killed.
 */
import { spawn } from 'node:child_process';
import { TsbuildError } from '../oci/index.js';
import type { GitAuthorization } from './git-auth.js';
import { urlPassword, type GitSource } from './git-ref.js';
import { GIT_SSH_AGENT_ID, gitSshEnvironment, noSshAgentError } from './git-ssh.js';

/** How git runs for one source. */
export interface GitRunOptions {
  /** The `Authorization` header value for `scope` (http(s) only). */
  readonly authorization?: GitAuthorization;
  /** The `--ssh` agents' sockets by id; an ssh remote needs `default`, as in BuildKit. */
  readonly sshAgents?: ReadonlyMap<string, string>;
}

/** Runs one git command; resolves to its stdout. */
export type GitCli = (args: readonly string[], cwd: string, what: string) => Promise<string>;

/** Per command: generous for a large repository, finite for a server that stops answering. */
const TIMEOUT_MS = 10 * 60 * 1000;
const STDERR_TAIL = 2000;
const PATH = '/usr/sbin:/usr/bin:/sbin:/bin';
const AUTH_FAILURE = /terminal prompts disabled|Authentication failed|returned error: 40[13]/;
const AUTH_HINT = ' (a private repository needs a token: --secret id=GIT_AUTH_TOKEN,env=<VAR>, or id=GIT_AUTH_TOKEN.<host> for one host)';
const SSH_AUTH_FAILURE = /Permission denied \(publickey/;
const SSH_AUTH_HINT = ` (the server accepted none of the keys of the --ssh ${GIT_SSH_AGENT_ID} agent)`;

const FIXED_CONFIG: readonly (readonly [string, string])[] = [
  ['gc.auto', '0'],
  ['maintenance.auto', 'false'],
  ['advice.detachedHead', 'false'],
  ['init.defaultBranch', 'master'],
  ['fetch.writeCommitGraph', 'false'],
];

function environment(source: GitSource, options: GitRunOptions): Record<string, string> {
  const config = [...FIXED_CONFIG];
  if (options.authorization) config.push([`http.${options.authorization.scope}.extraheader`, `Authorization: ${options.authorization.value}`]);
  const env: Record<string, string> = {
    PATH,
    HOME: '/dev/null',
    LC_ALL: 'C',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_ALLOW_PROTOCOL: source.scheme === 'ssh' ? 'http:https:git:ssh' : 'http:https:git',
    GIT_CONFIG_COUNT: String(config.length),
  };
  for (const [i, [key, value]] of config.entries()) {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  }
  return env;
}

function scrub(text: string, secrets: readonly string[]): string {
  return secrets.filter((s) => s !== '').reduce((t, s) => t.split(s).join('xxxxx'), text);
}

/** Runs git once with `env`; errors name `what` and have `secrets` scrubbed. */
function runGit(args: readonly string[], cwd: string, what: string, env: Record<string, string>, secrets: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    // sh sets the umask and then becomes git, so the process group is git's own.
    const child = spawn('/bin/sh', ['-c', 'umask 022 && exec git "$@"', 'git', ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4 * STDERR_TAIL)));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // The group is already gone; 'close' reports how git ended.
      }
    }, TIMEOUT_MS);
    const fail = (why: string, cause?: unknown) => reject(new TsbuildError('TSB_COPY_SOURCE', scrub(`${what}: ${why}`, secrets), { cause }));
    child.on('error', (err) => {
      clearTimeout(timer);
      fail(`cannot run git: ${err.message}`, err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve(stdout);
      if (code === 127) return fail('git was not found (Debian package "git")');
      const tail = stderr.trim().slice(-STDERR_TAIL);
      const status = timedOut ? `timed out after ${TIMEOUT_MS / 1000} s` : signal ? `killed by ${signal}` : `exit ${code}`;
      const hint = AUTH_FAILURE.test(tail) ? AUTH_HINT : SSH_AUTH_FAILURE.test(tail) ? SSH_AUTH_HINT : '';
      fail(`git ${args[0] ?? ''} failed (${status})${tail === '' ? '' : `: ${tail}`}${hint}`);
    });
  });
}

/**
 * A GitCli for `source`; `what` names the operation in errors. The URL's password, the
 * authorization and the agent's socket path are scrubbed from every error, though git already
 * hides URL credentials. For an ssh remote it fails at once without the `default` agent, and
 * scans the host keys before its first command (git-ssh.ts).
 */
export function gitCli(source: GitSource, options: GitRunOptions): GitCli {
  const base = environment(source, options);
  const agent = source.scheme === 'ssh' ? options.sshAgents?.get(GIT_SSH_AGENT_ID) : undefined;
  if (source.scheme === 'ssh' && agent === undefined) throw noSshAgentError(source);
  const secrets = [urlPassword(source.remote), ...(options.authorization ? [options.authorization.value, options.authorization.secret] : []), agent ?? ''];
  let env: Promise<Record<string, string>> | undefined;
  const ready = () => (env ??= agent === undefined ? Promise.resolve(base) : gitSshEnvironment(source, agent).then((ssh) => ({ ...base, ...ssh })));
  return async (args, cwd, what) => runGit(args, cwd, what, await ready(), secrets);
}

/** True when git's error says the server cannot do a shallow fetch (dumb http, old servers). */
export function isShallowUnsupported(err: unknown): boolean {
  const message = err instanceof Error ? err.message : '';
  return message.includes('--depth') || message.includes('shallow');
}
