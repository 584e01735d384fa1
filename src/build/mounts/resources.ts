/**
 * What `RUN --mount` reaches on the host, handed down by the caller: the secrets of `--secret`
 * and the directory where cache mounts persist between builds.
 */

/** One `--secret`: a host file read when a RUN mounts it, or a value (from an env var). */
export type RunSecret = { readonly kind: 'file'; readonly path: string } | { readonly kind: 'value'; readonly value: string };

/** The host side of RUN mounts. */
export interface RunMountResources {
  /** `--secret id=…`, by id. */
  readonly secrets: ReadonlyMap<string, RunSecret>;
  /** Where `type=cache` directories live, one per id; it must outlive the build's work dir. */
  readonly cacheDir: string;
}
