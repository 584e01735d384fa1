/**
 * podman as the Jenkins Kubernetes plugin's container runtime stand-in: rootful, unprivileged
 * containers (default capabilities, no --privileged), with the flags measured to work on this
 * machine (MEASURED.md: vfs storage, cgroupfs, runc, explicit ulimits, host network). Its
 * storage lives in a temp dir of its own, removed on dispose, so tests leave no images behind.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** Whether podman is installed (the executor-image test needs it). */
export function podmanAvailable(): boolean {
  try {
    execFileSync('podman', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface PodmanResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Podman extends AsyncDisposable {
  /** Runs `podman <global flags> args`; never throws on a non-zero exit. */
  run(args: readonly string[], timeoutMs?: number): Promise<PodmanResult>;
}

/** A podman with private storage under a temp dir. */
export async function startPodman(): Promise<Podman> {
  const dir = await mkdtemp(join(tmpdir(), 'tsbuild-podman-'));
  const global = [
    '--root', join(dir, 'root'),
    '--runroot', join(dir, 'run'),
    '--storage-driver', 'vfs',
    '--cgroup-manager', 'cgroupfs',
    '--runtime', 'runc',
    '--events-backend', 'none',
  ];
  const run = async (args: readonly string[], timeoutMs = 300_000): Promise<PodmanResult> => {
    try {
      const { stdout, stderr } = await exec('podman', [...global, ...args], { maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number | string; stdout?: string; stderr?: string };
      return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(error) };
    }
  };
  return {
    run,
    async [Symbol.asyncDispose]() {
      await run(['rm', '--all', '--force', '--time', '0']);
      await run(['rmi', '--all', '--force']);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
