/**
 * What build/ is asked to do, narrowed from the CLI's BuildOptions: paths already resolved,
 * build args already merged with the environment, registry clients already configured.
 */
import type { Writable } from 'node:stream';
import type { Logger } from '../log/index.js';
import type { Image, LayerCompression } from '../image/index.js';
import type { Platform, Reference } from '../oci/index.js';
import type { Isolation } from '../sandbox/index.js';
import type { BackgroundWriter, LayerCache } from '../cache/index.js';
import type { RunMountResources } from './mounts/resources.js';

/** The layer cache a build uses (`--cache`). */
export interface BuildCache {
  readonly store: LayerCache;
  /** Saves the results of steps that missed, in the background; absent with `--no-push-cache`. */
  readonly writer?: BackgroundWriter;
  /** RUN steps are looked up and saved (`--cache-run-layers`). */
  readonly runLayers: boolean;
  /** COPY and ADD steps are looked up and saved (`--cache-copy-layers`). */
  readonly copyLayers: boolean;
}

export interface BuildRequest {
  readonly contextDir: string;
  readonly dockerfilePath: string;
  readonly buildArgs: ReadonlyMap<string, string>;
  readonly target?: string;
  /** `--label` values: applied to the final image's config only. */
  readonly labels: readonly (readonly [string, string])[];
  readonly platform: Platform;
  /**
   * The platform the build runs on (`BUILDPLATFORM`); the target platform when absent, which is
   * right while tsbuild runs RUN natively.
   */
  readonly buildPlatform?: Platform;
  /**
   * Seconds since the epoch for config and history timestamps, and the clamp for file mtimes
   * in new layers. Set by --reproducible (SOURCE_DATE_EPOCH or 0); absent means "now, no clamp".
   */
  readonly sourceDateEpoch?: number;
  /**
   * `--single-snapshot`: each stage gets one layer, the diff of its rootfs at the end against its
   * base, instead of one per step; the layer cache then keeps one entry per stage (single-snapshot.ts).
   */
  readonly singleSnapshot?: boolean;
  /**
   * How new layers are compressed (`--compression`, `--compression-level`); gzip at image/'s
   * default level when absent. zstd makes the image OCI (run-stage.ts `stageBase`).
   */
  readonly compression?: LayerCompression;
}

export interface BuildDeps {
  /**
   * Pulls an image (a base, or a `COPY --from` source): the CLI's composition of the pull
   * client, mirrors and retries, so build/ never knows how registries are reached.
   */
  readonly pullImage: (ref: Reference, platform: Platform) => Promise<Image>;
  readonly logger: Logger;
  /** A directory of this build's own (rootfs trees, layer files); the caller removes it. */
  readonly workDir: string;
  /** Probed on first RUN, so builds without RUN need no privileges. */
  readonly isolation: () => Promise<Isolation>;
  readonly output: { readonly stdout: Writable; readonly stderr: Writable };
  /** The layer cache; absent when the build is not cached. */
  readonly cache?: BuildCache;
  /** `--secret` values and the cache-mount directory; RUN --mount=type=cache|secret fail without. */
  readonly runMounts?: RunMountResources;
  /**
   * False in a user namespace (a rootless build), where the kernel refuses mknod: device nodes
   * in base layers are then skipped with a warning, as moby does. Default true.
   */
  readonly canMknod?: boolean;
}
