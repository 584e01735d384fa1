/**
 * Runs one stage: the base image's ONBUILD triggers first, then the stage's instructions, each
 * through its handler, each result committed as a layer or a history entry. Errors leave here
 * carrying the instruction's location.
 */
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import type { SourceTree } from '../context/index.js';
import { BUILDER_FEATURES, parseTrigger, type Instruction, type PlannedStage } from '../dockerfile/index.js';
import type { CachedLayer, CacheKey } from '../cache/index.js';
import { asOciImage, layerMediaType, type Image } from '../image/index.js';
import type { Logger } from '../log/index.js';
import type { ContainerConfig, ImageConfig, MediaFamily } from '../oci/index.js';
import type { BuildContext } from '../context/index.js';
import { ArgScope } from './arg-scope.js';
import { commitStep, ensureBaseline, type CommitOptions, type StageProgress } from './commit-step.js';
import { dispatch } from './instructions/index.js';
import { locate } from './locate-error.js';
import type { BuildDeps, BuildRequest } from './request.js';
import { lazyRootfs, type LazyRootfs } from './stage-rootfs.js';
import type { StepResult } from './types.js';
import { stepContext } from './step-context.js';
import { cacheableConfig, isCacheable } from './step-key.js';
import { historyText } from './history-text.js';
import type { RemoteSources } from './remote-sources.js';
import { formatBytes } from './format-bytes.js';
import { deferStep, finishSingleSnapshot, type SingleSnapshot } from './single-snapshot.js';

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
  /** Per instruction (triggers first), the cache key to use; absent when the build is not cached. */
  readonly keys?: readonly (CacheKey | undefined)[];
  readonly hits?: ReadonlyMap<CacheKey, CachedLayer>;
  /** Present with `--single-snapshot`: the stage gets one layer at the end (single-snapshot.ts). */
  readonly singleSnapshot?: SingleSnapshot;
  /** The build's downloads and git refs, shared with the cache plan. */
  readonly remote: RemoteSources;
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
  readonly rootfs: LazyRootfs;
}

/**
 * The base's ONBUILD triggers, parsed, and the config the stage starts from: BuildKit runs the
 * triggers right after FROM and does not hand them on (the child's `OnBuild` starts empty).
 */
export function inheritedTriggers(stage: PlannedStage, config: ContainerConfig): { triggers: Instruction[]; config: ContainerConfig } {
  const { OnBuild, ...rest } = config;
  return { triggers: (OnBuild ?? []).map((t) => parseTrigger(t, stage.from.loc, { features: BUILDER_FEATURES })), config: rest };
}

/**
 * The media type of a stage's new layers. gzip follows the base image's family (as kaniko);
 * zstd exists only under OCI media types, and `stageBase` makes the image OCI.
 */
export function newLayerMediaType(baseFamily: MediaFamily, req: BuildRequest): string {
  const format = req.compression?.format ?? 'gzip';
  return layerMediaType(format === 'zstd' ? 'oci' : baseFamily, format);
}

/**
 * The image a stage builds on. With zstd a Docker-media-type base becomes OCI (manifest, config
 * and base layers relabelled, no blob changed), as BuildKit forces OCI media types for zstd;
 * kaniko instead silently writes gzip there, which DESIGN rule 5 forbids.
 */
function stageBase(base: Image, req: BuildRequest, logger: Logger): Image {
  if (req.compression?.format !== 'zstd' || base.family === 'oci') return base;
  logger.warn("the base image uses Docker media types; --compression=zstd makes this image OCI (Docker's schema 2 has no zstd layer type)");
  return asOciImage(base);
}

export async function runStage(input: StageInput, req: BuildRequest, deps: BuildDeps): Promise<StageOutput> {
  const { stage } = input;
  const dir = join(deps.workDir, `stage-${stage.index}`);
  await mkdir(join(dir, 'layers'), { recursive: true });
  const logger = deps.logger.child({ stage: stage.name ?? stage.index });
  const base = stageBase(input.base, req, logger);
  const baseConfig = await base.config();
  const rootfs = lazyRootfs(base, { dir, logger, canChown: true, canMknod: deps.canMknod ?? true });
  const { triggers, config } = inheritedTriggers(stage, baseConfig.config ?? {});
  let progress: StageProgress = { config, history: [], layers: [] };
  let args = ArgScope.forStage(req.buildArgs, input.globalArgs);
  let cmdSet = false;
  let author = baseConfig.author;
  const single = input.singleSnapshot;
  const commitOptions: CommitOptions = {
    rootfs,
    layersDir: join(dir, 'layers'),
    layerMediaType: newLayerMediaType(base.family, req),
    created: input.created,
    ...(req.sourceDateEpoch === undefined ? {} : { clampMtime: req.sourceDateEpoch }),
    ...(req.compression?.level === undefined ? {} : { level: req.compression.level }),
  };
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
      remote: input.remote,
      deps,
    });
    const key = input.keys?.[i];
    const hit = key === undefined ? undefined : input.hits?.get(key);
    try {
      // Single snapshot: the baseline is the rootfs before the first step that may change files.
      if (single && !single.hit && isCacheable(ins)) progress = await ensureBaseline(progress, rootfs);
      const result: StepResult =
        single?.hit && isCacheable(ins)
          ? { kind: 'config', config: cacheableConfig(ins, step) }
          : hit && isCacheable(ins)
            ? { kind: 'cached', config: cacheableConfig(ins, step), layer: hit.layer }
            : await dispatch(ins, step);
      if (result.kind === 'config' && result.args) args = result.args;
      if (result.kind === 'config' && result.author !== undefined) author = result.author;
      const createdBy = historyText(ins, escape);
      progress = single ? deferStep(progress, result, createdBy, input.created) : await commitStep(progress, result, createdBy, commitOptions);
    } catch (err) {
      throw locate(err, ins);
    }
    if (key !== undefined && hit === undefined) {
      // A miss: the step ran; what it produced (a layer, or nothing) is saved off the critical path.
      const layer = progress.layers.length > layersBefore ? progress.layers.at(-1)!.layer : null;
      deps.cache?.writer?.save(key, layer, { created: new Date() });
    }
    if (ins.kind === 'CMD') cmdSet = true;
    // One line per step with its time and what it produced, for Jenkins consoles.
    const added = progress.layers.length > layersBefore ? await progress.layers.at(-1)!.layer.size() : undefined;
    const cached = key === undefined ? '' : hit ? ' (cache hit)' : ' (cache miss)';
    logger.info(`${label} done in ${((Date.now() - started) / 1000).toFixed(2)} s${added === undefined ? '' : `, layer ${formatBytes(added)}`}${cached}`);
  }
  if (single) progress = await snapshotAtEnd(progress, single, commitOptions, deps, logger);
  return { base, baseConfig, progress, argNames: args.names(), rootfs, ...(author === undefined ? {} : { author }) };
}

async function snapshotAtEnd(
  progress: StageProgress,
  single: SingleSnapshot,
  opts: CommitOptions,
  deps: BuildDeps,
  logger: BuildDeps['logger'],
): Promise<StageProgress> {
  const started = Date.now();
  const done = await finishSingleSnapshot(progress, single, opts, deps.cache);
  const layer = done.layers[0]?.layer;
  const size = layer === undefined ? 'no changes, no layer' : `layer ${formatBytes(await layer.size())}`;
  const cached = single.key === undefined ? '' : single.hit ? ' (cache hit)' : ' (cache miss)';
  logger.info(`single snapshot done in ${((Date.now() - started) / 1000).toFixed(2)} s, ${size}${cached}`);
  return done;
}
