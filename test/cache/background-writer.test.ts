/**
 * Background cache writes: saves run while the caller goes on, a store that cannot be written
 * turns into warnings (never a thrown error), and `drain` gives up after its time limit when a
 * registry hangs, saying how many writes it abandoned.
 */
import { writeFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { BackgroundWriter, LayoutLayerCache, RegistryLayerCache, lookupAll, stageStartKey, stepKey, type CacheKey } from '../../src/cache/index.js';
import { writeLayer, type Layer } from '../../src/image/index.js';
import { DEFAULT_PLATFORM, MediaType } from '../../src/oci/index.js';
import { anonymousCredentials, RegistryClient } from '../../src/registry/index.js';
import { randomLayerFiles, tarOf } from '../helpers/random-image.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';
import { recordingLogger, warnings } from './recording.js';

const START = stageStartKey({ kind: 'scratch' }, DEFAULT_PLATFORM, { mediaType: MediaType.ociLayerGzip, compression: 'gzip-6' });
const keyOf = (text: string): CacheKey => stepKey(START, { instruction: text });

let work: TempDir;
let layer: Layer;

beforeAll(async () => {
  work = await tempDir();
  layer = await writeLayer(tarOf(randomLayerFiles('writer', 0, 3, 5_000)), { dir: work.path, mediaType: MediaType.ociLayerGzip });
});
afterAll(() => work[Symbol.asyncDispose]());

describe('BackgroundWriter', () => {
  it('saves in the background and drains', async () => {
    await using dir = await tempDir();
    const { logger, records } = recordingLogger();
    const cache = new LayoutLayerCache({ dir: dir.path, platform: DEFAULT_PLATFORM, logger });
    const writer = new BackgroundWriter(cache, logger, 2);
    const keys = ['a', 'b', 'c', 'd'].map((k) => keyOf(`RUN ${k}`));
    for (const [i, key] of keys.entries()) writer.save(key, i === 1 ? null : layer, { created: new Date() });
    expect(await writer.drain(30_000)).toEqual({ saved: 4, failed: 0, abandoned: 0 });
    expect((await lookupAll(cache, keys)).every((hit) => hit !== undefined)).toBe(true);
    expect(warnings(records)).toEqual([]);
    expect(await writer.drain(10)).toEqual({ saved: 4, failed: 0, abandoned: 0 });
  });

  it('turns a failed write into a warning', async () => {
    await using dir = await tempDir();
    await writeFile(join(dir.path, 'file'), 'not a directory');
    const { logger, records } = recordingLogger();
    // A layout under a regular file cannot be created: a real ENOTDIR from the filesystem.
    const writer = new BackgroundWriter(new LayoutLayerCache({ dir: join(dir.path, 'file', 'cache'), platform: DEFAULT_PLATFORM, logger }), logger);
    writer.save(keyOf('RUN x'), layer, { created: new Date() });
    writer.save(keyOf('RUN y'), null, { created: new Date() });
    expect(await writer.drain(30_000)).toEqual({ saved: 0, failed: 2, abandoned: 0 });
    expect(warnings(records).map((r) => r.msg)).toEqual(['cache write failed; the build goes on without it', 'cache write failed; the build goes on without it']);
  });

  it('gives up on writes to a registry that never answers, after the time limit', async () => {
    const sockets = new Set<Socket>();
    const server = createServer((s) => void sockets.add(s)); // accepts, never answers
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const { logger, records } = recordingLogger();
    const client = new RegistryClient({ policy: () => ({ insecure: true, skipTlsVerify: false }), credentials: anonymousCredentials(), logger, retries: 0, idleTimeoutMs: 60_000 });
    const cache = new RegistryLayerCache({ client, repository: { registry: `127.0.0.1:${port}`, repository: 'app/cache' }, platform: DEFAULT_PLATFORM, logger });
    const writer = new BackgroundWriter(cache, logger, 1);
    writer.save(keyOf('RUN slow 1'), layer, { created: new Date() });
    writer.save(keyOf('RUN slow 2'), layer, { created: new Date() });
    const started = Date.now();
    expect(await writer.drain(300)).toEqual({ saved: 0, failed: 0, abandoned: 2 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(warnings(records).map((r) => r.msg)).toContain('cache writes did not finish in time and were abandoned');
    writer.save(keyOf('RUN after'), layer, { created: new Date() }); // ignored once abandoned
    client.close();
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
});
