/**
 * Every cache key of the build, computed before any stage runs, and one parallel lookup of all of
 * them. The walk follows the stages as execution will, with only the pure part of each handler:
 * metadata handlers as they are (they touch no files), and for RUN, COPY, ADD and WORKDIR the
 * config they leave and their key inputs. It expands words with the same StepContext execution
 * builds, so the keys it computes are the keys execution would. A miss does not stop the walk:
 * keys follow the Dockerfile, not earlier results, so later steps can still hit.
 */
import { lookupAll, stageSourceDigest, stageStartKey, stepKey, type CachedLayer, type CacheKey, type LayerFormat, type StageBase } from '../cache/index.js';
import type { BuildContext } from '../context/index.js';
import type { PlannedStage, StageSource } from '../dockerfile/index.js';
import { compressionId, type Image } from '../image/index.js';
import { InternalError, type ContainerConfig, type Digest, type MediaFamily } from '../oci/index.js';
import { ArgScope } from './arg-scope.js';
import { dispatch } from './instructions/index.js';
import { locate } from './locate-error.js';
import type { BuildCache, BuildDeps, BuildRequest } from './request.js';
import { inheritedTriggers, newLayerMediaType } from './run-stage.js';
import { stepContext, type StepEnvironment } from './step-context.js';
import { cacheableConfig, isCacheable, stepKeyInput, type CacheableInstruction } from './step-key.js';
import { singleSnapshotKey } from './single-snapshot.js';
import type { RemoteSources } from './remote-sources.js';

/** The build's keys and what the cache holds for them. */
export interface CachePlan {
  /**
   * Per stage index, per instruction (the base's ONBUILD triggers first, as the stage runs them):
   * the key to look up and save under, or undefined when the step is not cached.
   */
  readonly keys: ReadonlyMap<number, readonly (CacheKey | undefined)[]>;
  readonly hits: ReadonlyMap<CacheKey, CachedLayer>;
  /**
   * With `--single-snapshot`, per stage index, the key of the stage's one layer; only these are
   * looked up then. Absent for a stage with a step that is not cached.
   */
  readonly stageKeys: ReadonlyMap<number, CacheKey>;
}

/** What the plan walks and where it looks. */
export interface CachePlanInput {
  readonly stages: readonly PlannedStage[];
  /** The base of a stage built `FROM <image>` or `FROM scratch` (the build's own, memoized). */
  readonly baseImage: (stage: PlannedStage) => Promise<Image>;
  /** The platform manifest digest of an image `COPY --from` names. */
  readonly imageDigest: (ref: string) => Promise<Digest>;
  readonly globalArgs: ReadonlyMap<string, string>;
  readonly context: BuildContext;
  readonly escape: '\\' | '`';
  readonly req: BuildRequest;
  readonly deps: BuildDeps;
  readonly cache: BuildCache;
  readonly remote: RemoteSources;
}

interface StageEnd {
  readonly config: ContainerConfig;
  readonly family: MediaFamily;
  /** The last key of the stage's chain; undefined once a step's inputs were unknowable. */
  readonly finalKey: CacheKey | undefined;
}

const planningOnly = (what: string) => () => Promise.reject(new InternalError(`the cache plan must not ${what}`));

/** Computes every key of the build and looks them all up at once. */
export async function planCache(input: CachePlanInput): Promise<CachePlan> {
  const ends = new Map<number, StageEnd>();
  const keys = new Map<number, (CacheKey | undefined)[]>();
  const stageKeys = new Map<number, CacheKey>();
  for (const stage of input.stages) {
    const walked = await walkStage(stage, await stageStart(stage, ends, input), ends, input);
    keys.set(stage.index, walked.keys);
    ends.set(stage.index, walked.end);
    if (walked.stageKey !== undefined) stageKeys.set(stage.index, walked.stageKey);
  }
  const single = input.req.singleSnapshot === true;
  const all = single ? [...stageKeys.values()] : [...keys.values()].flat().filter((k): k is CacheKey => k !== undefined);
  const wanted = [...new Set(all)];
  const started = Date.now();
  const found = await lookupAll(input.cache.store, wanted);
  const hits = new Map<CacheKey, CachedLayer>();
  wanted.forEach((key, i) => found[i] && hits.set(key, found[i]));
  input.deps.logger.info(
    { cache: input.cache.store.description, keys: wanted.length, hits: hits.size, ms: Date.now() - started },
    `cache: ${hits.size} of ${wanted.length} ${single ? 'single-snapshot stages' : 'steps'} found in ${input.cache.store.description}`,
  );
  return { keys, hits, stageKeys };
}

function layerFormat(family: MediaFamily, req: BuildRequest): LayerFormat {
  return {
    mediaType: newLayerMediaType(family, req),
    // The blob format (gzip or zstd, level, gzip's member size): a cache written otherwise never serves this build.
    compression: compressionId(req.compression ?? { format: 'gzip' }),
    ...(req.sourceDateEpoch === undefined ? {} : { clampMtime: req.sourceDateEpoch }),
  };
}

async function stageStart(stage: PlannedStage, ends: ReadonlyMap<number, StageEnd>, input: CachePlanInput): Promise<StageEnd> {
  const { platform } = input.req;
  if (stage.base.kind === 'stage') {
    const end = ends.get(stage.base.index);
    if (!end) throw new InternalError(`stage ${stage.base.index} is planned after a stage built on it`);
    const key = end.finalKey && stageStartKey({ kind: 'stage', finalKey: end.finalKey }, platform, layerFormat(end.family, input.req));
    return { ...end, finalKey: key };
  }
  const image = await input.baseImage(stage).catch((err: unknown) => {
    throw locate(err, stage.from);
  });
  const base: StageBase = stage.base.kind === 'scratch' ? { kind: 'scratch' } : { kind: 'image', digest: await image.digest() };
  const config = (await image.config()).config ?? {};
  return { config, family: image.family, finalKey: stageStartKey(base, platform, layerFormat(image.family, input.req)) };
}

function enabled(ins: CacheableInstruction, cache: BuildCache): boolean {
  if (ins.kind === 'RUN') return cache.runLayers;
  if (ins.kind === 'COPY' || ins.kind === 'ADD') return cache.copyLayers;
  return true;
}

async function walkStage(stage: PlannedStage, start: StageEnd, ends: ReadonlyMap<number, StageEnd>, input: CachePlanInput) {
  const { triggers, config: initial } = inheritedTriggers(stage, start.config);
  let config = initial;
  let args = ArgScope.forStage(input.req.buildArgs, input.globalArgs);
  let cmdSet = false;
  let key = start.finalKey;
  const keys: (CacheKey | undefined)[] = [];
  // A single-snapshot stage is cached only when every step that may change files is.
  let cacheable = 0;
  let uncached = 0;
  const env: Omit<StepEnvironment, 'escape'> = {
    rootfs: planningOnly('read the rootfs'),
    beforeChanges: planningOnly('change files'),
    copyFromTree: planningOnly('read another stage'),
    context: input.context,
    scratchDir: '',
    remote: input.remote,
    deps: { ...input.deps, isolation: planningOnly('run commands') },
  };
  const fromInputs = (from: string, patterns: readonly string[]) => copyFromInputs(stageSource(stage, from, input.stages), patterns, ends, input);
  for (const [i, ins] of [...triggers, ...stage.instructions].entries()) {
    const escape = i < triggers.length ? '\\' : input.escape;
    const step = stepContext(config, args, cmdSet, { ...env, escape });
    try {
      if (isCacheable(ins)) {
        const keyInput = key === undefined ? undefined : await stepKeyInput(ins, step, escape, fromInputs);
        key = key === undefined || keyInput === undefined ? undefined : stepKey(key, keyInput);
        keys.push(key !== undefined && enabled(ins, input.cache) ? key : undefined);
        cacheable++;
        if (keys.at(-1) === undefined) uncached++;
        config = cacheableConfig(ins, step);
      } else {
        keys.push(undefined);
        const result = await dispatch(ins, step);
        if (result.kind !== 'config') throw new InternalError(`${ins.kind} is not a metadata instruction`);
        if (result.args) args = result.args;
        config = result.config;
      }
    } catch (err) {
      throw locate(err, ins);
    }
    if (ins.kind === 'CMD') cmdSet = true;
  }
  const stageKey = input.req.singleSnapshot && cacheable > 0 && uncached === 0 && key !== undefined ? singleSnapshotKey(key) : undefined;
  return { keys, stageKey, end: { config, family: start.family, finalKey: key } };
}

/** What `--from` names: the plan's resolution, or (ONBUILD triggers) a stage by name or index, else an image. */
function stageSource(stage: PlannedStage, from: string, stages: readonly PlannedStage[]): StageSource {
  const planned = stage.copyFrom.get(from);
  if (planned) return planned;
  if (/^\d+$/.test(from)) return { kind: 'stage', index: Number(from) };
  const named = stages.find((s) => s.index < stage.index && s.name === from.toLowerCase());
  return named ? { kind: 'stage', index: named.index } : { kind: 'image', ref: from };
}

async function copyFromInputs(source: StageSource, patterns: readonly string[], ends: ReadonlyMap<number, StageEnd>, input: CachePlanInput) {
  if (source.kind === 'image') return JSON.stringify(['from-image', await input.imageDigest(source.ref), patterns]);
  const finalKey = ends.get(source.index)?.finalKey;
  return finalKey === undefined ? undefined : stageSourceDigest(finalKey, patterns);
}
