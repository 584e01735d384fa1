/**
 * The sandbox contract: one small interface, several strategies chosen once at start-up by what
 * the process may do (DESIGN §4). Each strategy lives in its own file.
 */
import type { Writable } from 'node:stream';

/** One RUN command to execute against a rootfs directory. */
export interface RunSpec {
  /** Host path of the rootfs. */
  readonly root: string;
  /** Exec form: argv[0] is looked up in the PATH of `env`, inside the rootfs. */
  readonly argv: readonly string[];
  /** The command's whole environment, `KEY=VALUE`, in order; nothing else is passed. */
  readonly env: readonly string[];
  /** Container path of the working directory; it must exist (the builder creates WORKDIR). */
  readonly cwd: string;
  readonly uid: number;
  readonly gid: number;
  /** Supplementary groups, exactly (an empty list means none). */
  readonly groups: readonly number[];
  /** `none`: a fresh network namespace with only `lo`, up. */
  readonly network: 'default' | 'none';
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** Aborting kills every process of the command; `run` then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** How the command ended: an exit code, or the signal that killed it. */
export interface RunResult {
  readonly exitCode: number | null;
  readonly signal: string | null;
}

/** A way of running commands against a rootfs. */
export interface Isolation {
  readonly name: string;
  run(spec: RunSpec): Promise<RunResult>;
}

/** The strategies, by the names `--isolation` takes; `auto` probes them in this order. */
export const ISOLATION_MODES = ['auto', 'chroot', 'userns', 'rootless', 'degraded'] as const;

/** `--isolation`: a strategy's name, or `auto` to choose by what the process may do. */
export type IsolationMode = (typeof ISOLATION_MODES)[number];

/** What `probeIsolation` is told by the caller. */
export interface ProbeOptions {
  /** `auto` (the default) tries the strategies in order; a name forces that one or fails. */
  readonly mode?: IsolationMode;
  /**
   * A directory of the build's own for the sandbox's per-RUN files (resolv.conf, hosts) and the
   * probe's scratch mount point; created if missing. Default: the system temp dir.
   */
  readonly scratchDir?: string;
}
