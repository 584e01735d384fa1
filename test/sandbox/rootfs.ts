/** Test rootfs builders around Debian's static busybox, and a capture stream for output. */
import { chmod, copyFile, mkdir, symlink } from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { silentLogger } from '../../src/log/index.js';
import { probeIsolation, type Isolation, type IsolationMode, type RunSpec } from '../../src/sandbox/index.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';

/** A rootfs with /bin/busybox and /bin/sh → busybox, and nothing else unless asked. */
export async function busyboxRoot(withSystemDirs: boolean): Promise<TempDir> {
  const dir = await tempDir();
  // mkdtemp makes 0700; a real rootfs's / is 0755, and non-root commands must traverse it.
  await chmod(dir.path, 0o755);
  await mkdir(join(dir.path, 'bin'));
  await copyFile('/bin/busybox', join(dir.path, 'bin/busybox'));
  await symlink('busybox', join(dir.path, 'bin/sh'));
  if (withSystemDirs) {
    for (const d of ['dev', 'proc', 'sys', 'etc', 'tmp']) await mkdir(join(dir.path, d));
    await copyFile('/etc/hosts', join(dir.path, 'etc/hosts'));
    await copyFile('/etc/resolv.conf', join(dir.path, 'etc/resolv.conf'));
  }
  return dir;
}

/** A Writable that keeps what it is given. */
export class Capture extends Writable {
  private chunks: Buffer[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: (error?: Error | null) => void): void {
    this.chunks.push(chunk);
    done();
  }
  get text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

const isolations = new Map<IsolationMode, Promise<Isolation>>();

/** The probed isolation for `mode`, once per test file. */
export function sandbox(mode: IsolationMode = 'auto'): Promise<Isolation> {
  let isolation = isolations.get(mode);
  if (isolation === undefined) {
    isolation = probeIsolation(silentLogger(), { mode });
    isolations.set(mode, isolation);
  }
  return isolation;
}

/** Runs a shell command (or an argv) as root in `/`, capturing output, with `mode`'s isolation. */
export async function runIn(root: string, command: string | string[], extra: Partial<RunSpec> = {}, mode: IsolationMode = 'auto') {
  const stdout = new Capture();
  const stderr = new Capture();
  const argv = typeof command === 'string' ? ['/bin/sh', '-c', command] : command;
  const result = await (await sandbox(mode)).run({
    root,
    argv,
    env: ['PATH=/bin'],
    cwd: '/',
    uid: 0,
    gid: 0,
    groups: [],
    network: 'default',
    stdout,
    stderr,
    ...extra,
  });
  return { ...result, stdout: stdout.text, stderr: stderr.text };
}

/**
 * Host pids running `argv0` with `needle` among its arguments (the sandbox's own host-side
 * helpers carry the command's arguments too, under other names).
 */
export function hostPidsWith(argv0: string, needle: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (argv[0] === argv0 && argv.includes(needle)) pids.push(Number(name));
    } catch {
      // Exited meanwhile.
    }
  }
  return pids;
}
