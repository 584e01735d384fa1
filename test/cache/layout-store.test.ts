/**
 * The `oci:/path` layer cache with no registry at all: entries round-trip through an OCI layout
 * that skopeo can read, concurrent saves all land in index.json, expired entries miss, and
 * every read is verified (a tampered blob fails when opened, a tampered config is a miss).
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheLocation, keyTag, LayoutLayerCache, lookupAll, stageStartKey, stepKey, type CacheKey } from '../../src/cache/index.js';
import { appendLayers, scratchImage, writeLayer, type Layer } from '../../src/image/index.js';
import { DEFAULT_PLATFORM, MediaType, splitDigest, type Digest } from '../../src/oci/index.js';
import { randomLayerFiles, tarOf } from '../helpers/random-image.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';
import { validateImage } from '../helpers/validate-image.js';
import { recordingLogger, warnings } from './recording.js';

const run = promisify(execFile);
const START = stageStartKey({ kind: 'scratch' }, DEFAULT_PLATFORM, { mediaType: MediaType.ociLayerGzip, compression: 'gzip-6' });
const keyOf = (text: string): CacheKey => stepKey(START, { instruction: text });
const HOUR = 3600_000;

let work: TempDir;
let layer: Layer;

beforeAll(async () => {
  work = await tempDir();
  layer = await writeLayer(tarOf(randomLayerFiles('layout', 0, 4, 10_000)), { dir: work.path, mediaType: MediaType.ociLayerGzip });
});
afterAll(() => work[Symbol.asyncDispose]());

function layoutStore(dir: string, ttlMs?: number) {
  const { logger, records } = recordingLogger();
  const location = cacheLocation(`oci:${dir}`, []);
  if (location.kind !== 'layout') throw new Error('expected a layout location');
  const cache = new LayoutLayerCache({ dir: location.dir, platform: DEFAULT_PLATFORM, logger, ...(ttlMs === undefined ? {} : { ttlMs }) });
  return { cache, records };
}

const blobPath = (dir: string, digest: Digest) => join(dir, 'blobs', 'sha256', splitDigest(digest).hex);

describe('LayoutLayerCache', () => {
  it('round-trips an entry, readable by skopeo, with verified bytes', async () => {
    await using dir = await tempDir();
    const key = keyOf('COPY . /app');
    await layoutStore(dir.path).cache.save(key, layer, { created: new Date() });
    const { cache, records } = layoutStore(dir.path);
    const hit = await cache.lookup(key);
    expect(await hit!.layer!.digest()).toBe(await layer.digest());
    expect(hit!.layer!.origin).toBeUndefined();
    await validateImage(appendLayers(scratchImage('oci', DEFAULT_PLATFORM), [{ layer: hit!.layer!, history: { created_by: 'COPY . /app' } }]));
    const { stdout } = await run('skopeo', ['inspect', '--raw', `oci:${dir.path}:${keyTag(key)}`]);
    expect((JSON.parse(stdout) as { layers: { digest: string }[] }).layers[0]!.digest).toBe(await layer.digest());
    expect(warnings(records)).toEqual([]);
  });

  it('misses quietly on an empty directory, an unknown key and an expired entry', async () => {
    await using dir = await tempDir();
    const { cache, records } = layoutStore(join(dir.path, 'not-yet'));
    expect(await cache.lookup(keyOf('RUN a'))).toBeUndefined();
    await cache.save(keyOf('RUN old'), layer, { created: new Date(Date.now() - 2 * HOUR) });
    expect(await cache.lookup(keyOf('RUN b'))).toBeUndefined();
    expect(await layoutStore(join(dir.path, 'not-yet'), HOUR).cache.lookup(keyOf('RUN old'))).toBeUndefined();
    expect(await layoutStore(join(dir.path, 'not-yet'), 3 * HOUR).cache.lookup(keyOf('RUN old'))).toBeDefined();
    expect(warnings(records)).toEqual([]);
  });

  it('keeps every entry when many saves run at once, empty steps included', async () => {
    await using dir = await tempDir();
    const { cache } = layoutStore(dir.path);
    const keys = Array.from({ length: 12 }, (_, i) => keyOf(`RUN step ${i}`));
    await Promise.all(keys.map((key, i) => cache.save(key, i % 3 === 0 ? null : layer, { created: new Date() })));
    const hits = await lookupAll(layoutStore(dir.path).cache, keys);
    expect(hits.map((h) => (h === undefined ? 'miss' : h.layer === null ? 'empty' : 'layer'))).toEqual(keys.map((_, i) => (i % 3 === 0 ? 'empty' : 'layer')));
  });

  it('a tampered layer blob fails when opened; a tampered config is a miss with a warning', async () => {
    await using dir = await tempDir();
    const key = keyOf('RUN tamper');
    await layoutStore(dir.path).cache.save(key, layer, { created: new Date() });
    const path = blobPath(dir.path, await layer.digest());
    const bytes = await readFile(path);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1);
    await writeFile(path, bytes);
    const hit = await layoutStore(dir.path).cache.lookup(key);
    await expect((async () => { for await (const _ of await hit!.layer!.open()) void _; })()).rejects.toMatchObject({ code: 'TSB_DIGEST_MISMATCH' });

    const index = JSON.parse(await readFile(join(dir.path, 'index.json'), 'utf8')) as { manifests: { digest: Digest }[] };
    const manifest = JSON.parse(await readFile(blobPath(dir.path, index.manifests[0]!.digest), 'utf8')) as { config: { digest: Digest } };
    await writeFile(blobPath(dir.path, manifest.config.digest), '{"forged":true}');
    const { cache, records } = layoutStore(dir.path);
    expect(await cache.lookup(key)).toBeUndefined();
    expect(warnings(records).map((r) => r.msg)).toEqual(['cache lookup failed; treating it as a miss']);
  });
});
