/**
 * What `RUN --mount` reaches on the host, handed down by the caller: the secrets of `--secret`,
 * the SSH agents of `--ssh` and the directory where cache mounts persist between builds.
 */

/** One `--secret`: a host file read when a RUN mounts it, or a value (from an env var). */
export type RunSecret = { readonly kind: 'file'; readonly path: string } | { readonly kind: 'value'; readonly value: string };

/** The host side of RUN mounts. */
export interface RunMountResources {
  /** `--secret id=…`, by id. */
  readonly secrets: ReadonlyMap<string, RunSecret>;
  /**
   * `--ssh`, by id: the socket of an SSH agent (the caller's, or one the caller started for key
   * files). Only relayed to, never read: an agent is not an input of any cache key.
   */
  readonly ssh?: ReadonlyMap<string, string>;
  /** Where `type=cache` directories live, one per id; it must outlive the build's work dir. */
  readonly cacheDir: string;
}
