/**
 * What build/ is asked to do, narrowed from the CLI's BuildOptions: paths already resolved,
 * build args already merged with the environment, registry clients already configured.
 */
import type { Writable } from 'node:stream';
import type { Logger } from '../log/index.js';
import type { Platform } from '../oci/index.js';
import type { RegistryClient } from '../registry/index.js';
import type { Isolation } from '../sandbox/index.js';

export interface BuildRequest {
  readonly contextDir: string;
  readonly dockerfilePath: string;
  readonly buildArgs: ReadonlyMap<string, string>;
  readonly target?: string;
  /** `--label` values: applied to the final image's config only. */
  readonly labels: readonly (readonly [string, string])[];
  readonly platform: Platform;
  /**
   * Seconds since the epoch for config and history timestamps, and the clamp for file mtimes
   * in new layers. Set by --reproducible (SOURCE_DATE_EPOCH or 0); absent means "now, no clamp".
   */
  readonly sourceDateEpoch?: number;
}

export interface BuildDeps {
  readonly pullClient: RegistryClient;
  readonly logger: Logger;
  /** A directory of this build's own (rootfs trees, layer files); the caller removes it. */
  readonly workDir: string;
  /** Probed on first RUN, so builds without RUN need no privileges. */
  readonly isolation: () => Promise<Isolation>;
  readonly output: { readonly stdout: Writable; readonly stderr: Writable };
}
