/**
 * Runs one stage: instruction by instruction, each through its handler, each result committed
 * as a layer or a history entry. Errors leave here carrying the instruction's location.
 */
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { expand, expandWords, type PlannedStage } from '../dockerfile/index.js';
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

export interface StageInput {
  readonly stage: PlannedStage;
  readonly base: Image;
  readonly globalArgs: ReadonlyMap<string, string>;
  readonly context: BuildContext;
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
  /** The stage's rootfs, when it was extracted (for later stages that read from it). */
  readonly rootfs: () => Promise<string>;
}

export async function runStage(input: StageInput, req: BuildRequest, deps: BuildDeps): Promise<StageOutput> {
  const { stage, base } = input;
  const dir = join(deps.workDir, `stage-${stage.index}`);
  await mkdir(join(dir, 'layers'), { recursive: true });
  const baseConfig = await base.config();
  const logger = deps.logger.child({ stage: stage.name ?? stage.index });
  const rootfs = lazyRootfs(base, { dir, logger, canChown: true, canMknod: true });
  let progress: StageProgress = { config: baseConfig.config ?? {}, history: [], layers: [] };
  let args = ArgScope.forStage(req.buildArgs, input.globalArgs);
  let cmdSet = false;
  let author = baseConfig.author;
  const total = stage.instructions.length;
  for (const [i, ins] of stage.instructions.entries()) {
    const started = Date.now();
    logger.info(`step ${i + 1}/${total} ${ins.loc.file}:${ins.loc.line}: ${ins.original.split('\n')[0]}`);
    const step = stepContext(progress.config, args, cmdSet, {
      escape: input.escape,
      rootfs,
      beforeChanges: async () => void (progress = await ensureBaseline(progress, rootfs)),
      context: input.context,
      deps,
    });
    try {
      const result = await dispatch(ins, step);
      if (result.kind === 'config' && result.args) args = result.args;
      if (result.kind === 'config' && result.author !== undefined) author = result.author;
      progress = await commitStep(progress, result, historyText(ins, input.escape), {
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
    logger.debug({ ms: Date.now() - started }, 'step done');
  }
  return { base, baseConfig, progress, argNames: args.names(), rootfs, ...(author === undefined ? {} : { author }) };
}

interface StepEnvironment {
  readonly escape: '\\' | '`';
  readonly rootfs: () => Promise<string>;
  readonly beforeChanges: () => Promise<void>;
  readonly context: BuildContext;
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
    isolation: env.deps.isolation,
    logger: env.deps.logger,
    output: env.deps.output,
  };
}

