/**
 * Pulls through mirrors and registry maps, with two real registries: the "original" and the
 * "mirror". Which registry was contacted is read from the client's own request log.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mirrorReference, registryMirrors, remoteImageWithMirrors } from '../../src/image/mirrors.js';
import { pushImage } from '../../src/image/push.js';
import type { Image } from '../../src/image/types.js';
import { formatReference, parseReference } from '../../src/oci/index.js';
import { anonymousCredentials, RegistryClient } from '../../src/registry/index.js';
import { memoryImage, memoryLayer } from '../helpers/memory-layer.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { recordingLogger } from '../registry/recording-logger.js';

const AMD64 = { os: 'linux', architecture: 'amd64' };

function client() {
  const rec = recordingLogger();
  const c = new RegistryClient({ policy: () => ({ insecure: false, skipTlsVerify: false }), credentials: anonymousCredentials(), logger: rec.logger, retries: 0 });
  return { client: c, rec, contacted: (host: string) => rec.records.filter((r) => r.registry === host).length };
}

/** A loopback port nothing listens on. */
async function deadHost(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `127.0.0.1:${port}`;
}

describe('registryMirrors and mirrorReference (kaniko semantics)', () => {
  it('maps Docker Hub mirrors and registry maps, in order', () => {
    const m = registryMirrors({ maps: ['index.docker.io=a.example;gcr.io=g1.example/cache', 'gcr.io=g2.example:5000'], mirrors: ['m1.example;m2.example/hub/'] });
    expect(Object.fromEntries(m.maps)).toEqual({ 'docker.io': ['a.example', 'm1.example', 'm2.example/hub'], 'gcr.io': ['g1.example/cache', 'g2.example:5000'] });
    expect(m.skipDefaultFallback).toBe(false);
  });

  it('puts the prefix before the whole repository path, library/ included', () => {
    const alpine = parseReference('alpine:3.19');
    expect(formatReference(mirrorReference(alpine, 'mirror.gcr.io'))).toBe('mirror.gcr.io/library/alpine:3.19');
    expect(formatReference(mirrorReference(alpine, 'mirror.gcr.io/library'))).toBe('mirror.gcr.io/library/library/alpine:3.19');
    const pinned = parseReference(`gcr.io/distroless/static@sha256:${'a'.repeat(64)}`);
    expect(formatReference(mirrorReference(pinned, 'localhost:5000/gcr'))).toBe(`localhost:5000/gcr/distroless/static@sha256:${'a'.repeat(64)}`);
  });

  it.each([
    [{ mirrors: ['https://mirror.gcr.io'] }, /without a scheme/],
    [{ mirrors: ['mirror'] }, /not a registry host/],
    [{ maps: ['gcr.io'] }, /expected ORIGINAL=MIRROR/],
    [{ maps: ['gcr.io='] }, /expected ORIGINAL=MIRROR/],
  ])('refuses %j', (input, message) => {
    expect(() => registryMirrors(input)).toThrow(message);
    expect(() => registryMirrors(input)).toThrow(expect.objectContaining({ code: 'TSB_USAGE' }) as Error);
  });
});

describe('remoteImageWithMirrors', () => {
  let original: TestRegistry;
  let mirror: TestRegistry;
  let onlyInOriginal: Image;
  let inBoth: Image;

  beforeAll(async () => {
    [original, mirror] = await Promise.all([startRegistry(), startRegistry()]);
    onlyInOriginal = await memoryImage([await memoryLayer({ 'etc/where': 'original' })]);
    inBoth = await memoryImage([await memoryLayer({ 'etc/where': 'mirror' })]);
    const { client: c } = client();
    await pushImage(c, onlyInOriginal, parseReference(`${original.host}/team/app:orig`));
    await pushImage(c, inBoth, parseReference(`${original.host}/team/app:both`));
    await pushImage(c, inBoth, parseReference(`${mirror.host}/team/app:both`));
    await pushImage(c, inBoth, parseReference(`${mirror.host}/cache/team/app:both`));
    await pushImage(c, inBoth, parseReference(`${mirror.host}/library/busybox:1.36`));
    c.close();
  });
  afterAll(async () => {
    await original?.stop();
    await mirror?.stop();
  });

  it('falls back to the original when the mirror has no such image (404)', async () => {
    const { client: c, contacted } = client();
    const mirrors = registryMirrors({ maps: [`${original.host}=${mirror.host}`] });
    const img = await remoteImageWithMirrors(c, parseReference(`${original.host}/team/app:orig`), AMD64, { mirrors });
    expect(await img.digest()).toBe(await onlyInOriginal.digest());
    expect((await img.layers())[0]!.origin).toEqual({ registry: original.host, repository: 'team/app' });
    expect(contacted(mirror.host)).toBeGreaterThan(0);
    c.close();
  });

  it('never contacts the original when the mirror has the image; layers come from the mirror', async () => {
    for (const endpoint of [mirror.host, `${mirror.host}/cache`]) {
      const { client: c, contacted } = client();
      const dead = await deadHost();
      const mirrors = registryMirrors({ maps: [`${original.host}=${dead};${original.host}=${endpoint}`] });
      const img = await remoteImageWithMirrors(c, parseReference(`${original.host}/team/app:both`), AMD64, { mirrors });
      expect(await img.digest()).toBe(await inBoth.digest());
      const layer = (await img.layers())[0]!;
      expect(layer.origin).toEqual({ registry: mirror.host, repository: endpoint === mirror.host ? 'team/app' : 'cache/team/app' });
      for await (const _ of await layer.open()) void _;
      expect(contacted(original.host)).toBe(0);
      c.close();
    }
  });

  it('serves Docker Hub images from a --registry-mirror without contacting docker.io', async () => {
    const { client: c, contacted } = client();
    const mirrors = registryMirrors({ mirrors: [mirror.host], skipDefaultFallback: true });
    const img = await remoteImageWithMirrors(c, parseReference('busybox:1.36'), AMD64, { mirrors });
    expect(await img.digest()).toBe(await inBoth.digest());
    expect(contacted('docker.io')).toBe(0);
    c.close();
  });

  it('does not fall back when told not to, and says which mirrors failed', async () => {
    const { client: c, contacted } = client();
    const mirrors = registryMirrors({ maps: [`${original.host}=${mirror.host}`], skipDefaultFallback: true });
    const pull = remoteImageWithMirrors(c, parseReference(`${original.host}/team/app:orig`), AMD64, { mirrors });
    await expect(pull).rejects.toMatchObject({ code: 'TSB_REGISTRY' });
    await expect(pull).rejects.toThrow(`${mirror.host}/team/app:orig: `);
    await expect(pull).rejects.toThrow('falling back to');
    expect(contacted(original.host)).toBe(0);
    c.close();
  });
});
