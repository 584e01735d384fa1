/**
 * The namespace strategies: private mount and pid namespaces (and a network namespace for
 * `--network=none`), a minimal /dev, /proc, read-only /sys, resolv.conf and hosts mounted into
 * the rootfs, then chroot and the RUN's user. The command is the pid namespace's init, as under
 * runc, so every process it starts dies with it. Three strategies share it and differ only in
 * who may make those namespaces:
 * - `chroot`: root with CAP_SYS_ADMIN makes them directly;
 * - `userns`: root without CAP_SYS_ADMIN (an ordinary unprivileged container) first makes a
 *   user namespace whose identity maps it writes from outside (id-maps.ts), and mounts there;
 * - `rootless`: a non-root user does the same with the ids it is allowed to map.
 *
 * Not a security boundary against a hostile root command: it keeps CAP_SYS_CHROOT (Docker's
 * default set), and a chroot can be left with it. It is as strong as buildah's chroot isolation.
 */
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { Logger } from '../log/index.js';
import { TsbuildError } from '../oci/index.js';
import type { HostTools } from './host-tools.js';
import type { IdMapper } from './id-maps.js';
import { startNamespaced } from './namespace-process.js';
import { MOUNT_POINTS, prepareMountPoints } from './mount-points.js';
import { createRunFiles } from './run-files.js';
import { checkSpec, interpret, pumpOutput, readCapped, type Outcome } from './run-outcome.js';
import { sandboxArgs, type SandboxFiles } from './sandbox-script.js';
import type { Isolation, RunResult, RunSpec } from './types.js';
import { planUserMounts } from './user-mounts.js';

/** The parts that differ between the namespace strategies. */
export interface NamespaceStrategy {
  readonly name: 'chroot' | 'userns' | 'rootless';
  /** setpriv's `--bounding-set` list for the command. */
  readonly boundingSet: string;
  /** Writes the maps of a new user namespace; null: no user namespace (`chroot`). */
  readonly mapper: IdMapper | null;
  /** Where the per-RUN resolv.conf and hosts are written. */
  readonly scratchDir: string;
}

/** Runs commands in namespaces made by `tools` as `strategy` says. */
export class NamespaceIsolation implements Isolation {
  readonly name: string;

  constructor(
    private readonly tools: HostTools,
    private readonly strategy: NamespaceStrategy,
    private readonly logger: Logger,
  ) {
    this.name = strategy.name;
  }

  async run(spec: RunSpec): Promise<RunResult> {
    checkSpec(spec);
    this.checkMapped(spec);
    spec.signal?.throwIfAborted();
    const root = resolve(spec.root);
    await using files = await createRunFiles(this.strategy.scratchDir);
    const user = await planUserMounts(root, spec.mounts ?? []);
    const mounts = await prepareMountPoints(root, this.logger, this.tools, [...MOUNT_POINTS, ...user.points]);
    let outcome: Outcome;
    try {
      const bound = {
        resolvConf: mounts.bindable.has('/etc/resolv.conf') ? files.resolvConf : null,
        hosts: mounts.bindable.has('/etc/hosts') ? files.hosts : null,
      };
      outcome = await this.spawnSandbox(spec, root, bound, user.args);
    } finally {
      await mounts.restore();
    }
    spec.signal?.throwIfAborted();
    return interpret(outcome);
  }

  /** A rootless namespace may not map the RUN's user: say so before starting anything. */
  private checkMapped(spec: RunSpec): void {
    const mapper = this.strategy.mapper;
    if (mapper === null) return;
    const unmapped = [
      ...(mapper.covers(spec.uid, 'uid') ? [] : [`uid ${spec.uid}`]),
      ...[spec.gid, ...(mapper.canSetGroups ? spec.groups : [])].filter((g) => !mapper.covers(g, 'gid')).map((g) => `gid ${g}`),
    ];
    if (unmapped.length > 0) {
      throw new TsbuildError(
        'TSB_RUN_FAILED',
        `RUN needs ${unmapped.join(', ')}, which the ${this.name} sandbox cannot map (${mapper.description}); ` +
          'add subordinate ids for this user to /etc/subuid and /etc/subgid, or run tsbuild as root',
      );
    }
  }

  private async spawnSandbox(spec: RunSpec, root: string, files: SandboxFiles, userMounts: readonly string[]): Promise<Outcome> {
    const ns = { userNamespace: this.strategy.mapper !== null, setGroups: this.strategy.mapper?.canSetGroups ?? true };
    const args = sandboxArgs(this.tools, this.strategy.boundingSet, spec, root, files, ns, userMounts);
    const sandbox = await startNamespaced(this.tools, args, ['ignore', 'pipe', 'pipe', 'pipe'], this.strategy.mapper);
    const { child } = sandbox;
    spec.signal?.addEventListener('abort', sandbox.kill, { once: true });
    try {
      const status = readCapped(child.stdio[3] as Readable);
      const output = pumpOutput(child, spec, sandbox.kill);
      const [code, signal] = await sandbox.closed;
      await output.done;
      const spawnError = sandbox.spawnError();
      if (spawnError !== undefined) {
        throw new TsbuildError('TSB_SANDBOX', `cannot start ${this.tools.unshare}: ${spawnError.message}`, { cause: spawnError });
      }
      if (output.error() !== undefined) throw output.error();
      return { code, signal, status: await status };
    } finally {
      spec.signal?.removeEventListener('abort', sandbox.kill);
    }
  }
}
