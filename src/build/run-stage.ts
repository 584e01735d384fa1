/**
 * Runs one stage: the base image's ONBUILD triggers first, then the stage's instructions, each
 * through its handler, each result committed as a layer or a history entry. Errors leave here
 * carrying the instruction's location.
 */
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import type { SourceTree } from '../context/index.js';
import { expand, expandWords, parseTrigger, type Instruction, type PlannedStage } from '../dockerfile/index.js';
import type { Image } from '../image/index.js';
import { mediaTypesFor, type ContainerConfig, type ImageConfig } from '../oci/index.js';
import type { BuildContext } from '../context/index.js';
import { ArgScope, envLookup } from './arg-scope.js';
import { commitStep, ensureBaseline, type StageProgress } from './commit-step.js';
import { dispatch } from './instructions/index.js';
import { locate } from './locate-error.js';
import type { BuildDeps, BuildRequest } from './request.js';
import { lazyRootfs } from './stage-rootfs.js';
import type { StepContext } from './types.js';
import { historyText } from './history-text.js';
import { formatBytes } from './format-bytes.js';

export interface StageInput {
  readonly stage: PlannedStage;
  readonly base: Image;
  /** Global ARG values a stage `ARG NAME` falls back to (platform ARGs included). */
  readonly globalArgs: ReadonlyMap<string, string>;
  readonly context: BuildContext;
  /** The tree for `COPY --from=<from>`, given the plan's resolution of it. */
  readonly copyFrom: (from: string, stage: PlannedStage) => Promise<SourceTree>;
  readonly created: string;
  /** The Dockerfile's escape character (`# escape=`). */
  readonly escape: '\\' | '`';
}

/** What a finished stage hands on: its progress (config, history, new layers) and base. */
export interface StageOutput {
  readonly base: Image;
  readonly baseConfig: ImageConfig;
  readonly progress: StageProgress;
  readonly argNames: readonly string[];
  /** `author`, from MAINTAINER or the base image. */
  readonly author?: string;
  /** The stage's rootfs, extracted on first call (for later stages that read from it). */
  readonly rootfs: () => Promise<string>;
}

/**
 * The base's ONBUILD triggers, parsed, and the config the stage starts from: BuildKit runs the
 * triggers right after FROM and does not hand them on (the child's `OnBuild` starts empty).
 */
function inheritedTriggers(stage: PlannedStage, config: ContainerConfig): { triggers: Instruction[]; config: ContainerConfig } {
  const { OnBuild, ...rest } = config;
  return { triggers: (OnBuild ?? []).map((t) => parseTrigger(t, stage.from.loc)), config: rest };
}

export async function runStage(input: StageInput, req: BuildRequest, deps: BuildDeps): Promise<StageOutput> {
  const { stage, base } = input;
  const dir = join(deps.workDir, `stage-${stage.index}`);
  await mkdir(join(dir, 'layers'), { recursive: true });
  const baseConfig = await base.config();
  const logger = deps.logger.child({ stage: stage.name ?? stage.index });
  const rootfs = lazyRootfs(base, { dir, logger, canChown: true, canMknod: true });
  const { triggers, config } = inheritedTriggers(stage, baseConfig.config ?? {});
  let progress: StageProgress = { config, history: [], layers: [] };
  let args = ArgScope.forStage(req.buildArgs, input.globalArgs);
  let cmdSet = false;
  let author = baseConfig.author;
  const instructions = [...triggers, ...stage.instructions];
  for (const [i, ins] of instructions.entries()) {
    const started = Date.now();
    const isTrigger = i < triggers.length;
    // A trigger was parsed on its own, with the default escape, whatever this Dockerfile's is.
    const escape = isTrigger ? '\\' : input.escape;
    const marker = isTrigger ? 'ONBUILD ' : '';
    const label = `step ${i + 1}/${instructions.length}`;
    logger.info(`${label} ${ins.loc.file}:${ins.loc.line}: ${marker}${(ins.original.split('\n')[0] ?? '').replace(/\s+/g, ' ')}`);
    const layersBefore = progress.layers.length;
    const step = stepContext(progress.config, args, cmdSet, {
      escape,
      rootfs,
      beforeChanges: async () => void (progress = await ensureBaseline(progress, rootfs)),
      context: input.context,
      copyFromTree: (from) => input.copyFrom(from, stage),
      scratchDir: dir,
      deps,
    });
    try {
      const result = await dispatch(ins, step);
      if (result.kind === 'config' && result.args) args = result.args;
      if (result.kind === 'config' && result.author !== undefined) author = result.author;
      progress = await commitStep(progress, result, historyText(ins, escape), {
        rootfs,
        layersDir: join(dir, 'layers'),
        layerMediaType: mediaTypesFor(base.family).layerGzip,
        created: input.created,
        ...(req.sourceDateEpoch === undefined ? {} : { clampMtime: req.sourceDateEpoch }),
      });
    } catch (err) {
      throw locate(err, ins);
    }
    if (ins.kind === 'CMD') cmdSet = true;
    // One line per step with its time and what it produced, for Jenkins consoles.
    const added = progress.layers.length > layersBefore ? await progress.layers.at(-1)!.layer.size() : undefined;
    logger.info(`${label} done in ${((Date.now() - started) / 1000).toFixed(2)} s${added === undefined ? '' : `, layer ${formatBytes(added)}`}`);
  }
  return { base, baseConfig, progress, argNames: args.names(), rootfs, ...(author === undefined ? {} : { author }) };
}

interface StepEnvironment {
  readonly escape: '\\' | '`';
  readonly rootfs: () => Promise<string>;
  readonly beforeChanges: () => Promise<void>;
  readonly context: BuildContext;
  readonly copyFromTree: (from: string) => Promise<SourceTree>;
  readonly scratchDir: string;
  readonly deps: BuildDeps;
}

function stepContext(config: ContainerConfig, args: ArgScope, cmdSet: boolean, env: StepEnvironment): StepContext {
  const lookup = envLookup(config.Env, args);
  return {
    config,
    args,
    cmdSetInStage: cmdSet,
    expand: (word) => expand(word, lookup, { escape: env.escape }).value,
    expandWords: (word) => expandWords(word, lookup, { escape: env.escape }).values,
    rootfs: env.rootfs,
    beforeChanges: env.beforeChanges,
    shell: config.Shell && config.Shell.length > 0 ? config.Shell : ['/bin/sh', '-c'],
    context: env.context,
    copyFromTree: env.copyFromTree,
    scratchDir: env.scratchDir,
    isolation: env.deps.isolation,
    logger: env.deps.logger,
    output: env.deps.output,
  };
}
