/**
 * The `degraded` strategy, for root that may chroot but can make no mount namespace (a
 * container whose seccomp or AppArmor profile refuses unshare or mount): chroot into the rootfs
 * and drop to the RUN's user, nothing more. There is no /proc, /sys or private resolv.conf and
 * hosts; /dev gets the usual device nodes when CAP_MKNOD allows (removed afterwards, so a
 * snapshot never sees them); the command runs in its own process group, which is killed when it
 * ends. The probe warns, listing all of this, when it picks this strategy.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { Logger } from '../log/index.js';
import { TsbuildError } from '../oci/index.js';
import { SYSTEM_DIRS, type HostTools } from './host-tools.js';
import { DEVICE_NODES, prepareMountPoints } from './mount-points.js';
import { checkSpec, interpret, pumpOutput, readCapped, type Outcome } from './run-outcome.js';
import { execArgs } from './sandbox-script.js';
import type { Isolation, RunResult, RunSpec } from './types.js';

/** What the process may still do, decided by the probe. */
export interface DegradedAbilities {
  readonly mknod: boolean;
  /** CAP_SETGID: the supplementary groups can be set. */
  readonly setGroups: boolean;
  /** setpriv's `--bounding-set` list, or null without CAP_SETPCAP. */
  readonly boundingSet: string | null;
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // The group is empty: everything has exited.
  }
}

/** chroot without namespaces. */
export class DegradedIsolation implements Isolation {
  readonly name = 'degraded';

  constructor(
    private readonly tools: HostTools,
    private readonly abilities: DegradedAbilities,
    private readonly logger: Logger,
  ) {}

  async run(spec: RunSpec): Promise<RunResult> {
    checkSpec(spec);
    if ((spec.mounts ?? []).length > 0) {
      throw new TsbuildError('TSB_SANDBOX', 'RUN mounts need a mount namespace, which the degraded sandbox cannot make (use the chroot, userns or rootless isolation)');
    }
    if (spec.network === 'none') {
      throw new TsbuildError('TSB_RUN_FAILED', 'RUN --network=none needs a network namespace, which the degraded sandbox cannot make');
    }
    spec.signal?.throwIfAborted();
    const root = resolve(spec.root);
    const nodes = await prepareMountPoints(root, this.logger, this.tools, this.abilities.mknod ? DEVICE_NODES : []);
    let outcome: Outcome;
    try {
      outcome = await this.spawnChroot(spec, root);
    } finally {
      await nodes.restore();
    }
    spec.signal?.throwIfAborted();
    return interpret(outcome);
  }

  private setprivArgs(spec: RunSpec): string[] {
    const groups = !this.abilities.setGroups ? [] : spec.groups.length === 0 ? ['--clear-groups'] : ['--groups', spec.groups.join(',')];
    const bounding = this.abilities.boundingSet === null ? [] : ['--bounding-set', this.abilities.boundingSet];
    return [...groups, ...bounding, '--'];
  }

  private async spawnChroot(spec: RunSpec, root: string): Promise<Outcome> {
    const child = spawn(this.tools.setpriv, [...this.setprivArgs(spec), ...execArgs(this.tools, spec, root)], {
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      env: { PATH: SYSTEM_DIRS.join(':') },
      cwd: '/',
      detached: true,
    });
    const kill = () => killGroup(child.pid);
    let spawnError: Error | undefined;
    child.once('error', (error) => {
      spawnError = error;
    });
    // 'exit', not 'close': a leftover background process holds the pipes open until killed.
    const exited = new Promise<[number | null, string | null]>((r) => child.once('exit', (code, signal) => r([code, signal])));
    const closed = new Promise<void>((r) => child.once('close', () => r()));
    spec.signal?.addEventListener('abort', kill, { once: true });
    try {
      const status = readCapped(child.stdio[3] as Readable);
      const output = pumpOutput(child, spec, kill);
      // A spawn error ends with 'close' and no 'exit'.
      const [code, signal] = await Promise.race([exited, closed.then((): [null, null] => [null, null])]);
      kill();
      await closed;
      await output.done;
      if (spawnError !== undefined) {
        throw new TsbuildError('TSB_SANDBOX', `cannot start ${this.tools.setpriv}: ${spawnError.message}`, { cause: spawnError });
      }
      if (output.error() !== undefined) throw output.error();
      return { code, signal, status: await status };
    } finally {
      spec.signal?.removeEventListener('abort', kill);
    }
  }
}
