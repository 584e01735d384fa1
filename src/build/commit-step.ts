/**
 * Turns a handler's StepResult into the stage's next state: a layer and a history entry, or an
 * `empty_layer` history entry. RUN changes are found by diffing a scan taken before the command
 * with one taken after; COPY and WORKDIR name their paths, so no scan is needed for them.
 */
import { diffScans, layerTar, scanTree, updateScan, type ChangeSet, type Scan } from '../snapshot/index.js';
import { writeLayer, type Layer } from '../image/index.js';
import { InternalError, type ContainerConfig, type History } from '../oci/index.js';
import type { StepResult } from './types.js';
import type { LazyRootfs } from './stage-rootfs.js';

/** What a stage has produced so far. */
export interface StageProgress {
  readonly config: ContainerConfig;
  /** History entries of this stage, in order (empty and non-empty). */
  readonly history: readonly History[];
  /** New layers of this stage, each with its history entry. */
  readonly layers: readonly { readonly layer: Layer; readonly history: History }[];
  /** The last scan of the rootfs, when one has been taken; with --single-snapshot, the baseline scan (single-snapshot.ts). */
  readonly scan?: Scan;
}

export interface CommitOptions {
  readonly rootfs: LazyRootfs;
  readonly layersDir: string;
  readonly layerMediaType: string;
  /** History timestamp (ISO) and the mtime clamp for layer entries, when reproducible. */
  readonly created: string;
  readonly clampMtime?: number;
  /** Compression level of new layers (`--compression-level`); the format's default when absent. */
  readonly level?: number;
}

/** The layer of `changes` under `root`: a deterministic tar, compressed as the build asks. */
export function writeChanges(root: string, changes: ChangeSet, opts: CommitOptions): Promise<Layer> {
  const tar = layerTar(root, changes, opts.clampMtime === undefined ? {} : { clampMtime: opts.clampMtime });
  return writeLayer(tar, { dir: opts.layersDir, mediaType: opts.layerMediaType, ...(opts.level === undefined ? {} : { level: opts.level }) });
}

/** Applies one step's result to the stage's progress. */
export async function commitStep(
  progress: StageProgress,
  result: StepResult,
  createdBy: string,
  opts: CommitOptions,
): Promise<StageProgress> {
  const config = result.config;
  if (result.kind === 'config') return withHistory(progress, config, { created: opts.created, created_by: createdBy, empty_layer: true });
  if (result.kind === 'cached') return commitCached(progress, result.layer, config, createdBy, opts);
  const root = await opts.rootfs();
  let changes: ChangeSet;
  let scan: Scan | undefined;
  if (result.kind === 'files') {
    changes = { changed: [...result.paths].sort(), deleted: [] };
    scan = progress.scan && (await updateScan(progress.scan, root, result.paths));
  } else {
    if (!progress.scan) throw new InternalError('a RUN step was committed without a baseline scan');
    scan = await scanTree(root, {});
    changes = diffScans(progress.scan, scan);
  }
  const next = { ...progress, ...(scan ? { scan } : {}) };
  if (changes.changed.length === 0 && changes.deleted.length === 0) {
    return withHistory(next, config, { created: opts.created, created_by: createdBy, empty_layer: true });
  }
  const layer = await writeChanges(root, changes, opts);
  const history: History = { created: opts.created, created_by: createdBy };
  return { ...next, config, history: [...next.history, history], layers: [...next.layers, { layer, history }] };
}

/**
 * A cache hit: the saved layer goes into the image as it is and is queued on the rootfs (applied
 * only when a later step needs files). The last scan no longer describes the rootfs, so it is
 * dropped and the next RUN takes a fresh baseline.
 */
function commitCached(progress: StageProgress, layer: Layer | null, config: ContainerConfig, createdBy: string, opts: CommitOptions): StageProgress {
  if (layer === null) return withHistory(progress, config, { created: opts.created, created_by: createdBy, empty_layer: true });
  opts.rootfs.queue(layer);
  const { scan: _stale, ...rest } = progress;
  const history: History = { created: opts.created, created_by: createdBy };
  return { ...rest, config, history: [...rest.history, history], layers: [...rest.layers, { layer, history }] };
}

function withHistory(progress: StageProgress, config: ContainerConfig, entry: History): StageProgress {
  return { ...progress, config, history: [...progress.history, entry] };
}

/** Takes the baseline scan a RUN diffs against, once per stage (later steps keep it current). */
export async function ensureBaseline(progress: StageProgress, rootfs: () => Promise<string>): Promise<StageProgress> {
  if (progress.scan) return progress;
  return { ...progress, scan: await scanTree(await rootfs(), {}) };
}
