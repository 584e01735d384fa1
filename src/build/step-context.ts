/**
 * The StepContext a handler sees, built from the stage's state at one instruction. The stage
 * loop and the cache plan build it the same way, so the plan's expansions (and so its keys) are
 * exactly the ones execution will make.
 */
import { expand, expandWords } from '../dockerfile/index.js';
import type { BuildContext, SourceTree } from '../context/index.js';
import type { ContainerConfig } from '../oci/index.js';
import { envLookup, type ArgScope } from './arg-scope.js';
import type { BuildDeps } from './request.js';
import type { StepContext } from './types.js';
import type { RemoteSources } from './remote-sources.js';

/** What a step may reach besides the stage's config and ARGs. */
export interface StepEnvironment {
  readonly escape: '\\' | '`';
  readonly rootfs: () => Promise<string>;
  readonly beforeChanges: () => Promise<void>;
  readonly context: BuildContext;
  readonly copyFromTree: (from: string) => Promise<SourceTree>;
  readonly scratchDir: string;
  readonly remote: RemoteSources;
  readonly deps: Pick<BuildDeps, 'isolation' | 'logger' | 'output' | 'runMounts'>;
}

/** The default shell of shell-form commands when the config sets none. */
export const DEFAULT_SHELL: readonly string[] = ['/bin/sh', '-c'];

/** The handler's view of one step. */
export function stepContext(config: ContainerConfig, args: ArgScope, cmdSet: boolean, env: StepEnvironment): StepContext {
  const lookup = envLookup(config.Env, args);
  return {
    config,
    args,
    cmdSetInStage: cmdSet,
    expand: (word) => expand(word, lookup, { escape: env.escape }).value,
    expandWords: (word) => expandWords(word, lookup, { escape: env.escape }).values,
    rootfs: env.rootfs,
    beforeChanges: env.beforeChanges,
    shell: config.Shell && config.Shell.length > 0 ? config.Shell : DEFAULT_SHELL,
    context: env.context,
    copyFromTree: env.copyFromTree,
    scratchDir: env.scratchDir,
    remote: env.remote,
    isolation: env.deps.isolation,
    logger: env.deps.logger,
    output: env.deps.output,
    ...(env.deps.runMounts === undefined ? {} : { runMounts: env.deps.runMounts }),
  };
}
