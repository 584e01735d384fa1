/**
 * `--single-snapshot` (kaniko's flag): a stage's instructions run in order against its rootfs as
 * always, but nothing is snapshotted per step. The baseline is scanned once, before the first step
 * that may change files, and at the end one diff of the rootfs against it becomes the stage's only
 * layer, whiteouts included. Every instruction keeps its history entry, `empty_layer` except the
 * last one, which carries the layer: the snapshot is taken after it (kaniko attributes the layer
 * to the stage's last command too). A stage whose steps change nothing gets no layer.
 *
 * The layer cache keeps one entry per stage, keyed by the stage's chained step keys plus a marker:
 * an unchanged stage is one lookup and no work at all, not even extracting its base. Per-step
 * entries are neither read nor written, since this mode makes no per-step layers: kaniko stores
 * the whole-stage snapshot under the last step's key instead, and then never hits (kaniko #1703).
 */
import { stepKey, type CachedLayer, type CacheKey } from '../cache/index.js';
import type { Layer } from '../image/index.js';
import { InternalError, type History } from '../oci/index.js';
import { diffScans, scanTree } from '../snapshot/index.js';
import type { CachePlan } from './cache-plan.js';
import { writeChanges, type CommitOptions, type StageProgress } from './commit-step.js';
import type { BuildCache } from './request.js';
import type { StepResult } from './types.js';

/** A single-snapshot stage's cache entry: its key (absent when a step is not cached) and what the cache held. */
export interface SingleSnapshot {
  readonly key?: CacheKey;
  readonly hit?: CachedLayer;
}

/** The key of a stage's one layer, chained from the key of its last step. */
export function singleSnapshotKey(finalStepKey: CacheKey): CacheKey {
  // No step's instruction text starts with '#', so this cannot be any step's key.
  return stepKey(finalStepKey, { instruction: '#single-snapshot' });
}

/** The stage's cache key and hit from the build's cache plan (nothing when the build is not cached). */
export function stageSnapshot(plan: CachePlan | undefined, stageIndex: number): SingleSnapshot {
  const key = plan?.stageKeys.get(stageIndex);
  if (key === undefined) return {};
  const hit = plan?.hits.get(key);
  return hit === undefined ? { key } : { key, hit };
}

/** A step's history entry; its files stay in the rootfs for the diff at the end. */
export function deferStep(progress: StageProgress, result: StepResult, createdBy: string, created: string): StageProgress {
  if (result.kind === 'cached') throw new InternalError('a per-step cache hit reached a single-snapshot stage');
  const entry: History = { created, created_by: createdBy, empty_layer: true };
  return { ...progress, config: result.config, history: [...progress.history, entry] };
}

/**
 * The stage's one layer: the cached one, queued on the rootfs so later stages see its files, or
 * the diff against the baseline, saved to the cache when the stage has a key.
 */
export async function finishSingleSnapshot(
  progress: StageProgress,
  single: SingleSnapshot,
  opts: CommitOptions,
  cache: BuildCache | undefined,
): Promise<StageProgress> {
  const { scan: baseline, ...rest } = progress;
  let layer: Layer | null;
  if (single.hit) {
    layer = single.hit.layer;
    if (layer) opts.rootfs.queue(layer);
  } else {
    layer = baseline === undefined ? null : await snapshotStage(baseline, opts);
    if (single.key !== undefined) cache?.writer?.save(single.key, layer, { created: new Date() });
  }
  return layer === null ? rest : withLayer(rest, layer);
}

async function snapshotStage(baseline: NonNullable<StageProgress['scan']>, opts: CommitOptions): Promise<Layer | null> {
  const root = await opts.rootfs();
  const changes = diffScans(baseline, await scanTree(root, {}));
  if (changes.changed.length === 0 && changes.deleted.length === 0) return null;
  return writeChanges(root, changes, opts);
}

/** The last history entry carries the layer. */
function withLayer(progress: StageProgress, layer: Layer): StageProgress {
  const last = progress.history.at(-1);
  if (last === undefined) throw new InternalError('a single-snapshot layer without an instruction to carry it');
  const { empty_layer: _empty, ...history } = last;
  return { ...progress, history: [...progress.history.slice(0, -1), history], layers: [{ layer, history }] };
}
