/**
 * Pushing and pulling through a proxy that fails on a seeded schedule (5xx and 429, connections
 * reset before or after the registry saw the request, bodies cut short or corrupted). With
 * retries the image arrives intact (skopeo reads it straight from the registry); without, the
 * push fails clearly — and in no case does the tag point at an incomplete image.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushImage } from '../../src/image/push.js';
import { remoteImage } from '../../src/image/remote.js';
import type { Image } from '../../src/image/types.js';
import { verifyStream } from '../../src/image/verify.js';
import { silentLogger } from '../../src/log/index.js';
import { type Digest, ManifestSchema, parseReference } from '../../src/oci/index.js';
import { anonymousCredentials, RegistryClient, RegistryError } from '../../src/registry/index.js';
import { type FaultKind, startFaultProxy } from '../helpers/fault-proxy.js';
import { memoryImage, memoryLayer, type MemoryLayer } from '../helpers/memory-layer.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';

const run = promisify(execFile);
const AMD64 = { os: 'linux', architecture: 'amd64' };

function client(retries: number): RegistryClient {
  return new RegistryClient({ policy: () => ({ insecure: false, skipTlsVerify: false }), credentials: anonymousCredentials(), logger: silentLogger(), retries });
}

async function drain(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** 'absent' when the tag does not exist; 'complete' when every blob of its manifest is there and verifies. */
async function tagState(registry: TestRegistry, repository: string, tag: string): Promise<'absent' | 'complete'> {
  const direct = client(0);
  try {
    let fetched;
    try {
      fetched = await direct.getManifest(registry.host, repository, tag);
    } catch (err) {
      expect(err).toMatchObject({ status: 404 });
      return 'absent';
    }
    const manifest = ManifestSchema.parse(JSON.parse(Buffer.from(fetched.bytes).toString('utf8')));
    for (const d of [manifest.config, ...manifest.layers]) {
      const blob = await direct.openBlobUnverified(registry.host, repository, d.digest as Digest, d.size);
      await pipeline(blob, verifyStream(d.digest as Digest, d.digest, d.size), new Writable({ write: (_c, _e, done) => done() }));
    }
    return 'complete';
  } finally {
    direct.close();
  }
}

describe('push and pull through a faulty proxy', () => {
  let registry: TestRegistry;
  let layers: MemoryLayer[];
  let image: Image;

  beforeAll(async () => {
    registry = await startRegistry();
    layers = await Promise.all([
      memoryLayer({ 'etc/one': 'one' }),
      memoryLayer({ 'opt/big.bin': randomBytes(300_000) }),
      memoryLayer({ 'opt/mid.bin': randomBytes(80_000), 'etc/three': 'three' }),
      memoryLayer({ 'etc/four': 'four'.repeat(1000) }),
    ]);
    image = await memoryImage(layers, { config: { Cmd: ['/bin/sh'] } });
  });
  afterAll(async () => registry?.stop());

  it('with retries, gets a multi-layer image through intact (checked by skopeo against the registry itself)', async () => {
    await using proxy = await startFaultProxy({ target: registry.url, seed: 7, rate: 0.3 });
    const c = client(6);
    const digest = await pushImage(c, image, parseReference(`${proxy.host}/team/faulty:1`));
    const faults = proxy.log.filter((r) => r.fault !== undefined);
    expect(new Set(faults.map((f) => f.fault)).size).toBeGreaterThanOrEqual(3);

    const { stdout } = await run('skopeo', ['inspect', '--tls-verify=false', `docker://${registry.host}/team/faulty:1`]);
    const seen = JSON.parse(stdout) as { Digest: string; Layers: string[] };
    expect(seen.Digest).toBe(digest);
    expect(seen.Layers).toEqual(await Promise.all(layers.map((l) => l.digest())));
    expect(await tagState(registry, 'team/faulty', '1')).toBe('complete');

    const pulled = await remoteImage(c, parseReference(`${proxy.host}/team/faulty:1`), AMD64);
    expect(await pulled.digest()).toBe(digest);
    for (const [i, layer] of (await pulled.layers()).entries()) expect(await drain(await layer.open())).toEqual(layers[i]!.blob);
    c.close();
  });

  it('without retries, fails clearly and never leaves the tag on an incomplete image', async () => {
    const outcomes: string[] = [];
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      await using proxy = await startFaultProxy({ target: registry.url, seed, rate: 0.1 });
      const c = client(0);
      const tag = `seed${seed}`;
      const outcome = await pushImage(c, image, parseReference(`${proxy.host}/team/fragile:${tag}`)).then(
        () => 'pushed',
        (err: unknown) => {
          expect(err).toBeInstanceOf(RegistryError);
          expect((err as RegistryError).message).toMatch(/^(GET|HEAD|POST|PUT|PATCH) http:\/\/127\.0\.0\.1:\d+\/v2\/team\/fragile\//);
          return 'failed';
        },
      );
      const state = await tagState(registry, 'team/fragile', tag);
      expect(outcome === 'failed' ? ['absent', 'complete'] : ['complete']).toContain(state);
      outcomes.push(`${outcome}/${state}`);
      c.close();
    }
    expect(outcomes.filter((o) => o.startsWith('failed')).length).toBeGreaterThanOrEqual(2);
  });

  it('reports a cut or corrupted blob body as TSB_DIGEST_MISMATCH when it cannot recover, and resumes it when it can', async () => {
    const ref = `team/bodies:1`;
    const direct = client(0);
    await pushImage(direct, image, parseReference(`${registry.host}/${ref}`));
    direct.close();
    const blobGets = (method: string, path: string) => method === 'GET' && path.includes('/blobs/');

    for (const fault of ['truncate', 'corrupt'] satisfies FaultKind[]) {
      await using proxy = await startFaultProxy({ target: registry.url, rate: 1, faults: [fault], eligible: blobGets });
      const c = client(0);
      const big = (await (await remoteImage(c, parseReference(`${proxy.host}/${ref}`), AMD64)).layers())[1]!;
      const read = drain(await big.open());
      await expect(read).rejects.toMatchObject({ code: 'TSB_DIGEST_MISMATCH' });
      c.close();
    }

    await using flaky = await startFaultProxy({ target: registry.url, seed: 3, rate: 0.4, faults: ['truncate'], eligible: blobGets });
    const c = client(10);
    const pulled = await remoteImage(c, parseReference(`${flaky.host}/${ref}`), AMD64);
    for (const [i, layer] of (await pulled.layers()).entries()) expect(await drain(await layer.open())).toEqual(layers[i]!.blob);
    expect(flaky.log.filter((r) => r.fault === 'truncate').length).toBeGreaterThan(0);
    c.close();
  });
});
