/**
 * The executor's vocabulary. A handler sees one instruction and a StepContext, and returns a
 * StepResult: the new container config plus what the snapshotter must do. Handlers never edit
 * state; the stage loop applies their results.
 */
import type { Writable } from 'node:stream';
import type { Instruction } from '../dockerfile/index.js';
import type { ContainerConfig } from '../oci/index.js';
import type { Layer } from '../image/index.js';
import type { Logger } from '../log/index.js';
import type { BuildContext, SourceTree } from '../context/index.js';
import type { Isolation } from '../sandbox/index.js';
import type { ArgScope } from './arg-scope.js';
import type { RunMountResources } from './mounts/resources.js';
import type { RemoteSources } from './remote-sources.js';

/** What the snapshotter does after a step. */
export type StepResult =
  /** Metadata only: no layer, an `empty_layer` history entry. */
  | { readonly kind: 'config'; readonly config: ContainerConfig; readonly args?: ArgScope; readonly author?: string }
  /** The handler knows exactly which container paths it wrote (COPY, WORKDIR). */
  | { readonly kind: 'files'; readonly config: ContainerConfig; readonly paths: readonly string[] }
  /** Anything may have changed (RUN): scan and diff. */
  | { readonly kind: 'scan'; readonly config: ContainerConfig }
  /** A cache hit: the step did not run; its layer (or none) is reused as it was saved. */
  | { readonly kind: 'cached'; readonly config: ContainerConfig; readonly layer: Layer | null };

/** Everything a handler may use. */
export interface StepContext {
  /** The container config before this step. */
  readonly config: ContainerConfig;
  /** Whether CMD was set earlier in this stage (a new ENTRYPOINT resets an inherited CMD). */
  readonly cmdSetInStage: boolean;
  /** Build args and stage ARGs in scope, resolved. */
  readonly args: ArgScope;
  /** Expands a word with ENV first, then ARGs in scope (Docker's precedence). */
  expand(word: string): string;
  /** Expands and splits into words, as Docker does for multi-word instructions. */
  expandWords(word: string): string[];
  /** The stage's rootfs, extracted on first use. */
  rootfs(): Promise<string>;
  /** Called by a handler before it changes files it cannot name (RUN): takes the baseline scan. */
  beforeChanges(): Promise<void>;
  /** The stage's shell for shell-form commands (SHELL, default /bin/sh -c). */
  readonly shell: readonly string[];
  readonly context: BuildContext;
  /** The tree `COPY --from=<from>` reads: a finished stage's rootfs or a pulled image's. */
  copyFromTree(from: string): Promise<SourceTree>;
  /** A directory of this stage's own under the build's work dir. */
  readonly scratchDir: string;
  /** ADD's downloads and git refs, fetched or resolved once per build (remote-sources.ts). */
  readonly remote: RemoteSources;
  isolation(): Promise<Isolation>;
  /** Secrets and the cache-mount directory for RUN --mount; absent when the caller has none. */
  readonly runMounts?: RunMountResources;
  readonly logger: Logger;
  /** Where RUN output goes. */
  readonly output: { readonly stdout: Writable; readonly stderr: Writable };
}

/** One handler per instruction kind. */
export type Handler<K extends Instruction['kind']> = (
  ins: Extract<Instruction, { kind: K }>,
  step: StepContext,
) => Promise<StepResult>;
