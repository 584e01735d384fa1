/**
 * An image in a registry, read lazily: the manifest is fetched up front (an index, nested ones
 * included, is resolved to the wanted platform), the config on first use, layer bytes only when a layer is opened. Every
 * read is verified against its digest (DESIGN rule 2); registry JSON is validated at this border.
 */
import { pipeline, type Readable } from 'node:stream';
import {
  type Descriptor, type Digest, familyOf, formatPlatform, formatReference, type ImageConfig, ImageConfigSchema,
  type Index, IndexSchema, isAttestation, isIndexMediaType, type Manifest, ManifestSchema, type Platform, type Reference,
  referenceIdentifier, selectPlatform, TsbuildError,
} from '../oci/index.js';
import type { z } from 'zod';
import type { FetchedManifest, RegistryClient } from '../registry/index.js';
import type { Image, Layer, LayerOrigin } from './types.js';
import { verifyStream } from './verify.js';

const SCHEMA1: ReadonlySet<string> = new Set([
  'application/vnd.docker.distribution.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v1+prettyjws',
]);

/** Configs are small JSON documents; anything bigger than this is refused rather than buffered. */
const CONFIG_CAP = 32 * 1024 * 1024;

/** JSON from a registry, validated; failures are TSB_MANIFEST_INVALID naming `what`. */
function parseJson<T>(bytes: Uint8Array, schema: z.ZodType<T>, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw new TsbuildError('TSB_MANIFEST_INVALID', `${what} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new TsbuildError('TSB_MANIFEST_INVALID', `${what} is invalid: ${issues}`);
  }
  return parsed.data;
}

/** Reads a whole small blob (a config) through the verifier, refusing more than `cap` bytes. */
async function readVerified(stream: Readable, digest: Digest, size: number, source: string): Promise<Uint8Array> {
  if (size > CONFIG_CAP) throw new TsbuildError('TSB_MANIFEST_INVALID', `${source} is ${size} bytes; configs over ${CONFIG_CAP} are refused`);
  const chunks: Buffer[] = [];
  for await (const chunk of verified(stream, digest, size, source)) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

function verified(raw: Readable, digest: Digest, size: number, source: string): Readable {
  // Callback form: an error on either side destroys both, and the verifier carries it to the reader.
  return pipeline(raw, verifyStream(digest, source, size), () => undefined);
}

/** Indexes nest (an index entry that is itself an index); deeper than this is a loop or an attack. */
const MAX_INDEX_DEPTH = 4;

async function fetchChild(client: RegistryClient, ref: Reference, entry: Descriptor): Promise<FetchedManifest> {
  const child = await client.getManifest(ref.registry, ref.repository, entry.digest);
  // getManifest checks a digest reference; the size is the index's promise too.
  if (child.bytes.byteLength !== entry.size) {
    throw new TsbuildError('TSB_DIGEST_MISMATCH', `manifest ${entry.digest} of ${formatReference(ref)} is ${child.bytes.byteLength} bytes, the index says ${entry.size}`);
  }
  return child;
}

/**
 * The manifest for `platform` under an index: the matching entry (descended into when it is an
 * index itself), else each platform-less child index in turn. `available` collects what was seen.
 */
async function descend(client: RegistryClient, ref: Reference, fetched: FetchedManifest, platform: Platform, available: string[], depth: number): Promise<FetchedManifest | undefined> {
  const name = formatReference(ref);
  if (depth >= MAX_INDEX_DEPTH) throw new TsbuildError('TSB_MANIFEST_INVALID', `${name}: indexes nested more than ${MAX_INDEX_DEPTH} deep`);
  const index: Index = parseJson(fetched.bytes, IndexSchema, `index of ${name}`);
  for (const d of index.manifests) if (d.platform && !isAttestation(d)) available.push(formatPlatform(d.platform));
  const direct = selectPlatform(index.manifests, platform);
  const nested = index.manifests.filter((d) => d.platform === undefined && isIndexMediaType(d.mediaType));
  for (const entry of direct ? [direct, ...nested] : nested) {
    const child = await fetchChild(client, ref, entry);
    if (!isIndexMediaType(child.mediaType)) return child;
    const found = await descend(client, ref, child, platform, available, depth + 1);
    if (found) return found;
  }
  return undefined;
}

async function pickManifest(client: RegistryClient, ref: Reference, platform: Platform): Promise<FetchedManifest> {
  const top = await client.getManifest(ref.registry, ref.repository, referenceIdentifier(ref));
  if (!isIndexMediaType(top.mediaType)) return top;
  const available: string[] = [];
  const found = await descend(client, ref, top, platform, available, 0);
  if (found) return found;
  throw new TsbuildError(
    'TSB_PLATFORM_NOT_FOUND',
    `${formatReference(ref)} has no image for ${formatPlatform(platform)}; available: ${available.join(', ') || 'none'}`,
  );
}

function remoteLayer(client: RegistryClient, origin: LayerOrigin, d: Descriptor, diffId: () => Promise<Digest>): Layer {
  const digest = d.digest as Digest;
  const source = `${origin.registry}/${origin.repository}@${digest}`;
  return {
    mediaType: d.mediaType,
    digest: async () => digest,
    diffId,
    size: async () => d.size,
    open: async () => verified(await client.openBlobUnverified(origin.registry, origin.repository, digest, d.size), digest, d.size, source),
    ...(d.annotations ? { annotations: d.annotations } : {}),
    origin,
  };
}

/** The image `ref` names, for `platform` when the reference is an index. */
export async function remoteImage(client: RegistryClient, ref: Reference, platform: Platform): Promise<Image> {
  const name = formatReference(ref);
  const fetched = await pickManifest(client, ref, platform);
  if (SCHEMA1.has(fetched.mediaType)) {
    throw new TsbuildError('TSB_MANIFEST_INVALID', `${name} is a Docker schema 1 image, which is deprecated and not supported; push it again with a current client`);
  }
  const manifest: Manifest = parseJson(fetched.bytes, ManifestSchema, `manifest of ${name}`);
  const origin: LayerOrigin = { registry: ref.registry, repository: ref.repository };
  const configDigest = manifest.config.digest as Digest;
  let rawConfig: Promise<Uint8Array> | undefined;
  const fetchRawConfig = () =>
    (rawConfig ??= client
      .openBlobUnverified(ref.registry, ref.repository, configDigest, manifest.config.size)
      .then((s) => readVerified(s, configDigest, manifest.config.size, `config of ${name}`)));
  let config: Promise<ImageConfig> | undefined;
  const fetchConfig = () => (config ??= fetchRawConfig().then((b) => parseJson(b, ImageConfigSchema, `config of ${name}`)));
  const diffIdAt = (i: number) => async () => {
    const id = (await fetchConfig()).rootfs.diff_ids[i];
    if (id === undefined) throw new TsbuildError('TSB_MANIFEST_INVALID', `config of ${name} has no diff_id for layer ${i + 1} of ${manifest.layers.length}`);
    return id as Digest;
  };
  const layers = manifest.layers.map((d, i) => remoteLayer(client, origin, d, diffIdAt(i)));
  return {
    family: familyOf(manifest.mediaType ?? fetched.mediaType),
    manifest: async () => manifest,
    rawManifest: async () => fetched.bytes,
    digest: async () => fetched.digest,
    config: fetchConfig,
    rawConfig: fetchRawConfig,
    configDescriptor: async () => manifest.config,
    layers: async () => layers,
  };
}
