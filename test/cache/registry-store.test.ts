/**
 * The registry layer cache against a real distribution registry: entries round-trip, a missing
 * or expired entry is a quiet miss, a hit downloads nothing until opened, keeps the cache
 * repository as its origin (so a final push mounts it), and its bytes verify.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheLocation, lookupAll, RegistryLayerCache, stageStartKey, stepKey, type CacheKey } from '../../src/cache/index.js';
import { appendLayers, pushImage, scratchImage, withConfig, writeLayer, type Layer } from '../../src/image/index.js';
import { DEFAULT_PLATFORM, MediaType, parseReference } from '../../src/oci/index.js';
import { RegistryError } from '../../src/registry/index.js';
import { randomLayerFiles, tarOf } from '../helpers/random-image.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';
import { validateImage } from '../helpers/validate-image.js';
import { recordingClient, requests, warnings } from './recording.js';

const GZIP = { mediaType: MediaType.ociLayerGzip, compression: 'gzip-6' };
const START = stageStartKey({ kind: 'scratch' }, DEFAULT_PLATFORM, GZIP);
const keyOf = (text: string): CacheKey => stepKey(START, { instruction: text });
const HOUR = 3600_000;

let registry: TestRegistry;
let dir: TempDir;
let layer: Layer;

beforeAll(async () => {
  registry = await startRegistry();
  dir = await tempDir();
  layer = await writeLayer(tarOf(randomLayerFiles('cache', 0, 5, 20_000)), { dir: dir.path, mediaType: MediaType.ociLayerGzip });
});

afterAll(async () => {
  await registry.stop();
  await dir[Symbol.asyncDispose]();
});

function store(ttlMs?: number, now?: () => Date) {
  const rec = recordingClient();
  const location = cacheLocation(undefined, [`${registry.host}/team/app:1.0`]);
  if (location.kind !== 'registry') throw new Error('expected a registry location');
  const cache = new RegistryLayerCache({
    client: rec.client, repository: location, platform: DEFAULT_PLATFORM, logger: rec.logger,
    ...(ttlMs === undefined ? {} : { ttlMs }), ...(now === undefined ? {} : { now }),
  });
  return { ...rec, cache };
}

describe('RegistryLayerCache', () => {
  it('saves an entry as <cache repo>:<key hex> and finds it again without downloading the layer', async () => {
    const { cache, client } = store();
    const key = keyOf('RUN make');
    await cache.save(key, layer, { created: new Date() });
    const tagged = await client.getManifest(registry.host, 'team/app/cache', key.slice(7));
    expect(tagged.mediaType).toBe(MediaType.ociManifest);

    const reader = store();
    const hit = await reader.cache.lookup(key);
    expect(hit?.layer).not.toBeNull();
    const found = hit!.layer!;
    expect(await found.digest()).toBe(await layer.digest());
    expect(await found.diffId()).toBe(await layer.diffId());
    expect(found.origin).toEqual({ registry: registry.host, repository: 'team/app/cache' });
    expect(requests(reader.records, 'GET', '/blobs/').length).toBe(1); // the entry's config, not the layer
    await validateImage(appendLayers(scratchImage('oci', DEFAULT_PLATFORM), [{ layer: found, history: { created_by: 'RUN make' } }]));
    expect(warnings(reader.records)).toEqual([]);
  });

  it('a hit is mounted, not uploaded, when the final image is pushed to the destination', async () => {
    const { cache } = store();
    const key = keyOf('COPY . /src');
    await cache.save(key, layer, { created: new Date() });
    const pusher = store();
    const hit = await pusher.cache.lookup(key);
    const final = appendLayers(scratchImage('oci', DEFAULT_PLATFORM), [{ layer: hit!.layer!, history: { created_by: 'COPY . /src' } }]);
    await pushImage(pusher.client, final, parseReference(`${registry.host}/team/app:1.0`));
    const mounts = requests(pusher.records, 'POST', 'mount=');
    expect(mounts.map((r) => r.status)).toEqual([201]);
    expect(requests(pusher.records, 'GET', `/blobs/${await layer.digest()}`)).toEqual([]);
    expect(requests(pusher.records, 'PUT', '/blobs/uploads/').length).toBe(1); // the config only
  });

  it('an image built from a hit is byte-identical to one built from the original layer, in either media family', async () => {
    const { cache } = store();
    const key = keyOf('RUN build');
    await cache.save(key, layer, { created: new Date() });
    const hit = (await store().cache.lookup(key))!.layer!;
    for (const family of ['docker', 'oci'] as const) {
      const compose = (l: Layer) =>
        withConfig(appendLayers(scratchImage(family, DEFAULT_PLATFORM), [{ layer: l, history: { created: '1970-01-01T00:00:00Z', created_by: 'RUN build' } }]), (cfg) => ({ ...cfg, created: '1970-01-01T00:00:00Z' }));
      expect(await compose(hit).digest()).toBe(await compose(layer).digest());
      await validateImage(compose(hit));
    }
  });

  it('caches a step that produced no layer', async () => {
    const { cache } = store();
    const key = keyOf('RUN true');
    await cache.save(key, null, { created: new Date() });
    const hit = await store().cache.lookup(key);
    expect(hit).toBeDefined();
    expect(hit!.layer).toBeNull();
  });

  it('a missing entry is a quiet miss', async () => {
    const { cache, records } = store();
    expect(await cache.lookup(keyOf('RUN never saved'))).toBeUndefined();
    expect(warnings(records)).toEqual([]);
  });

  it('an entry older than the TTL is a miss; within it, a hit', async () => {
    const key = keyOf('RUN old');
    const created = new Date(Date.now() - 2 * HOUR);
    await store().cache.save(key, layer, { created });
    expect(await store(HOUR).cache.lookup(key)).toBeUndefined();
    const hit = await store(3 * HOUR).cache.lookup(key);
    expect(hit?.createdAt.toISOString()).toBe(created.toISOString());
    expect(await store(3 * HOUR, () => new Date(Date.now() + 2 * HOUR)).cache.lookup(key)).toBeUndefined();
  });

  it('looks up many keys in parallel, in key order, continuing past misses', async () => {
    const { cache } = store();
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'].map((k) => keyOf(`RUN ${k}`));
    await Promise.all([0, 2, 5].map((i) => cache.save(keys[i]!, i === 2 ? null : layer, { created: new Date() })));
    const hits = await lookupAll(store().cache, keys, 3);
    expect(hits.map((h) => (h === undefined ? 'miss' : h.layer === null ? 'empty' : 'layer'))).toEqual(['layer', 'miss', 'empty', 'miss', 'miss', 'layer']);
  });

  it('an unreachable registry is a miss with a warning on lookup, and an error on save', async () => {
    const gone = await startRegistry();
    const host = gone.host;
    await gone.stop();
    const rec = recordingClient();
    const cache = new RegistryLayerCache({ client: rec.client, repository: { registry: host, repository: 'x/cache' }, platform: DEFAULT_PLATFORM, logger: rec.logger });
    expect(await cache.lookup(keyOf('RUN x'))).toBeUndefined();
    expect(warnings(rec.records).map((r) => r.msg)).toEqual(['cache lookup failed; treating it as a miss']);
    await expect(cache.save(keyOf('RUN x'), layer, { created: new Date() })).rejects.toBeInstanceOf(RegistryError);
  });
});
