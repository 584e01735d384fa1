/**
 * A non-root user that exists only for the processes a test starts: each runs in a private mount
 * namespace where /etc/passwd, /etc/group, /etc/subuid and /etc/subgid are bind-mounted copies
 * of the real files plus the user's lines, then drops to the user with setpriv. The machine's
 * files are never written (nothing to restore, nothing seen by tests running alongside), yet the
 * setuid newuidmap/newgidmap, started from inside, read the copies as they would the real files.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, chown, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A user's identity and where its private /etc files live. */
export interface PrivateUser {
  readonly uid: number;
  readonly gid: number;
  readonly name: string;
  /** Its HOME, owned by it. */
  readonly home: string;
  /** Starts `argv` as the user, with `env` only (plus PATH). */
  spawn(argv: readonly string[], env?: Readonly<Record<string, string>>): ChildProcess;
}

/** What the user gets: subordinate ranges (`start:count`) or none. */
export interface PrivateUserOptions {
  readonly uid: number;
  readonly name: string;
  readonly subuid?: { readonly start: number; readonly count: number };
}

async function copyWith(file: string, dest: string, line: string | undefined): Promise<void> {
  const text = await readFile(file, 'utf8').catch(() => '');
  await writeFile(dest, `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${line === undefined ? '' : `${line}\n`}`, { mode: 0o644 });
}

/** Makes the user's files under `dir` (which must be traversable by the user). */
export async function privateUser(dir: string, options: PrivateUserOptions): Promise<PrivateUser> {
  const { uid, name } = options;
  const gid = uid;
  const etc = join(dir, 'etc');
  const home = join(dir, 'home');
  await mkdir(etc, { recursive: true });
  await mkdir(home, { recursive: true });
  await chown(home, uid, gid);
  await chmod(home, 0o755);
  const range = options.subuid === undefined ? undefined : `${name}:${options.subuid.start}:${options.subuid.count}`;
  await copyWith('/etc/passwd', join(etc, 'passwd'), `${name}:x:${uid}:${gid}::${home}:/bin/sh`);
  await copyWith('/etc/group', join(etc, 'group'), `${name}:x:${gid}:`);
  await copyWith('/etc/subuid', join(etc, 'subuid'), range);
  await copyWith('/etc/subgid', join(etc, 'subgid'), range);
  const mounts = ['passwd', 'group', 'subuid', 'subgid'].map((f) => `mount --bind "$1/${f}" /etc/${f}`).join(' && ');
  return {
    uid,
    gid,
    name,
    home,
    spawn(argv, env = {}) {
      const script = `${mounts} && shift && exec setpriv --reuid=${uid} --regid=${gid} --clear-groups -- "$@"`;
      return spawn('unshare', ['--mount', '--propagation', 'private', '--', 'sh', '-c', script, 'sh', etc, ...argv], {
        env: { PATH: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin', HOME: home, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    },
  };
}

/** Runs a started process to its end: exit code, signal, and its output. */
export function finished(child: ChildProcess): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((done, fail) => {
    child.once('error', fail);
    child.once('close', (code, signal) => done({ code, signal, stdout, stderr }));
  });
}
