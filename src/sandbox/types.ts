/**
 * The sandbox contract: one small interface, several strategies chosen once at start-up by what
 * the process may do (DESIGN §4). Each strategy lives in its own file.
 */
import type { Writable } from 'node:stream';

/**
 * A mount for one RUN, inside the rootfs at `target` (a container path; symlinks in it resolve
 * inside the rootfs). Mount points the rootfs lacks are created and removed afterwards, so a
 * snapshot never sees them. The builder composes RUN --mount from these: a secret is a
 * read-only bind of a temp file, a cache a bind of a persistent host directory, a `rw` bind of
 * the context a bind of a throwaway copy (BuildKit discards its writes).
 */
export type RunMount =
  | { readonly kind: 'bind'; /** Host path, file or directory. */ readonly source: string; readonly target: string; readonly readonly: boolean }
  | { readonly kind: 'tmpfs'; readonly target: string; readonly sizeBytes?: number };

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
  /** `none`: a fresh network namespace with only `lo`, up; `default` and `host`: the host's. */
  readonly network: 'default' | 'none' | 'host';
  /** Mounted in order after the sandbox's own; not supported by the `degraded` strategy. */
  readonly mounts?: readonly RunMount[];
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
