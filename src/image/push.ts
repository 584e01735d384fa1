/**
 * The push sink, after go-containerregistry's pusher: every blob first (HEAD, then a
 * cross-repository mount when the layer's origin is elsewhere on the same registry, else a
 * streamed upload), deduplicated by digest and a few at a time; the manifest strictly last, so
 * a failed push never leaves a manifest pointing at missing blobs (DESIGN rule 4). A failed push
 * can be tried again whole (`--push-retry`): blobs already there are skipped by their HEAD.
 */
import { Readable } from 'node:stream';
import type { Logger } from '../log/index.js';
import { type Digest, DigestMismatchError, formatReference, MediaType, mediaTypesFor, type Reference, referenceIdentifier } from '../oci/index.js';
import { isImmutableTagError, RegistryError, type RegistryClient } from '../registry/index.js';
import type { Image, LayerOrigin } from './types.js';

/** How a push behaves beyond the registry client's own per-request retries. */
export interface PushOptions {
  /**
   * Retries of the whole push after its first try (kaniko `--push-retry`, default 0), with
   * backoff from 1 s, when it failed temporarily (5xx, 429, dropped connections).
   */
  readonly retries?: number;
  /** A manifest PUT refused because the tag is immutable counts as done, with a warning (kaniko `--push-ignore-immutable-tag-errors`). */
  readonly ignoreImmutableTagErrors?: boolean;
  /** Receives retry notices and the immutable-tag warning. */
  readonly logger?: Logger;
  /** Waits between whole-push attempts; tests pass a recorder. */
  readonly sleep?: (ms: number) => Promise<void>;
}

const PUSH_RETRY_BASE_MS = 1_000;

const CONCURRENCY = 4;

/** Layers Docker never pushes: their bytes live at `urls`, outside any registry. */
const NON_DISTRIBUTABLE: ReadonlySet<string> = new Set([
  MediaType.dockerForeignLayerGzip,
  MediaType.dockerForeignLayerTar,
  MediaType.ociNondistributableLayerTar,
  MediaType.ociNondistributableLayerGzip,
  MediaType.ociNondistributableLayerZstd,
]);

interface BlobToPush {
  readonly digest: Digest;
  readonly size: number;
  readonly origin: LayerOrigin | undefined;
  open(): Promise<Readable>;
}

/** Runs at most `limit` of the started tasks at once. */
function limiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (active < limit) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve)); // a finishing task hands over its slot
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

async function pushBlob(client: RegistryClient, ref: Reference, blob: BlobToPush): Promise<void> {
  const { registry, repository } = ref;
  if (await client.blobExists(registry, repository, blob.digest, 'push')) return;
  const origin = blob.origin;
  if (origin && origin.registry === registry && origin.repository !== repository) {
    if (await client.mountBlob(registry, repository, blob.digest, origin.repository)) return;
  }
  await client.uploadBlob(registry, repository, blob.digest, blob.size, () => blob.open());
}

async function pushAll(client: RegistryClient, img: Image, ref: Reference): Promise<Digest> {
  const digest = await img.digest();
  if (ref.digest && ref.digest !== digest) throw new DigestMismatchError(ref.digest, digest, `image pushed to ${formatReference(ref)}`);
  const run = limiter(CONCURRENCY);
  const pushed = new Map<Digest, Promise<void>>();
  const pushOnce = (blob: BlobToPush): Promise<void> => {
    let done = pushed.get(blob.digest);
    if (!done) {
      done = run(() => pushBlob(client, ref, blob));
      pushed.set(blob.digest, done);
    }
    return done;
  };
  const layers = (await img.layers()).filter((l) => !NON_DISTRIBUTABLE.has(l.mediaType));
  await Promise.all(
    layers.map(async (layer) =>
      pushOnce({ digest: await layer.digest(), size: await layer.size(), origin: layer.origin, open: () => layer.open() }),
    ),
  );
  const config = await img.configDescriptor();
  const rawConfig = await img.rawConfig();
  await pushOnce({ digest: config.digest as Digest, size: rawConfig.byteLength, origin: undefined, open: async () => Readable.from(Buffer.from(rawConfig), { objectMode: false }) });
  const manifest = await img.manifest();
  const mediaType = manifest.mediaType ?? mediaTypesFor(img.family).manifest;
  return client.putManifest(ref.registry, ref.repository, referenceIdentifier(ref), await img.rawManifest(), mediaType);
}

/** One push attempt, turning an immutable-tag refusal into a warning when asked to. */
async function pushTolerant(client: RegistryClient, img: Image, ref: Reference, options: PushOptions): Promise<Digest> {
  try {
    return await pushAll(client, img, ref);
  } catch (err) {
    if (!options.ignoreImmutableTagErrors || ref.digest !== undefined || !isImmutableTagError(err)) throw err;
    const digest = await img.digest();
    options.logger?.warn(
      { destination: formatReference(ref), digest, err: (err as Error).message },
      `tag ${ref.tag ?? ''} of ${ref.registry}/${ref.repository} is immutable and was not moved; treating the push as done because immutable-tag errors are ignored`,
    );
    return digest;
  }
}

/** Pushes `img` to `ref` (its tag, or its digest when pinned) and returns the manifest digest. */
export async function pushImage(client: RegistryClient, img: Image, ref: Reference, options: PushOptions = {}): Promise<Digest> {
  const retries = options.retries ?? 0;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 0; ; attempt++) {
    try {
      return await pushTolerant(client, img, ref, options);
    } catch (err) {
      if (attempt >= retries || !(err instanceof RegistryError) || !err.temporary) throw err;
      const wait = PUSH_RETRY_BASE_MS * 2 ** attempt;
      options.logger?.warn({ destination: formatReference(ref), attempt: attempt + 1, wait, err: err.message }, 'push failed; trying again');
      await sleep(wait);
    }
  }
}
