/**
 * The warmer and the `--cache-dir` base-image store: images named by flags and by a Dockerfile
 * are downloaded into an OCI layout, then served with the registry stopped — by digest always,
 * by tag from the warmer's record when no resolver is given, never past the TTL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedBaseImage, dockerfileImages, warmImages, type WarmOptions } from '../../src/cache/index.js';
import { remoteImage } from '../../src/image/index.js';
import { DEFAULT_PLATFORM, parseReference, withDigest, type Digest } from '../../src/oci/index.js';
import { pushBusybox } from '../helpers/busybox-image.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';
import { validateImage } from '../helpers/validate-image.js';
import { recordingClient, requests, warnings } from './recording.js';

let registry: TestRegistry;
let work: TempDir;
let digest: Digest;

beforeAll(async () => {
  registry = await startRegistry();
  work = await tempDir();
  digest = await pushBusybox(registry.host, work.path);
});
afterAll(async () => {
  await registry.stop();
  await work[Symbol.asyncDispose]();
});

function options(dir: string, extra: Partial<WarmOptions> = {}) {
  const rec = recordingClient();
  const opts: WarmOptions = { pullImage: (ref, platform) => remoteImage(rec.client, ref, platform), dir, platform: DEFAULT_PLATFORM, logger: rec.logger, ...extra };
  return { ...rec, opts };
}

describe('dockerfileImages', () => {
  it('lists FROM images and COPY --from images once each, expanded with build args, stages skipped', () => {
    const text = [
      'ARG BASE=busybox:1',
      'FROM $BASE AS build',
      'RUN make',
      'FROM build AS test',
      'COPY --from=tools/linter:2 /bin/lint /bin/',
      'FROM scratch',
      'COPY --from=build /out /',
      'COPY --from=busybox:1 /bin/sh /bin/',
    ].join('\n');
    expect(dockerfileImages(text, 'Dockerfile', { buildArgs: new Map() })).toEqual(['busybox:1']);
    expect(dockerfileImages(text, 'Dockerfile', { buildArgs: new Map([['BASE', 'alpine:3']]), target: 'test' })).toEqual(['alpine:3', 'tools/linter:2']);
  });
});

describe('warmImages and cachedBaseImage', () => {
  it('warms, skips what is present, re-downloads with force, and serves the images offline', async () => {
    await using dir = await tempDir();
    const tag = `${registry.host}/base/busybox:latest`;
    const first = options(dir.path);
    expect(await warmImages([tag, `${registry.host}/base/busybox@${digest}`, tag], first.opts)).toEqual([
      { image: tag, status: 'warmed', digest },
      { image: `${registry.host}/base/busybox@${digest}`, status: 'present', digest },
    ]);
    const again = options(dir.path);
    expect(await warmImages([tag], again.opts)).toEqual([{ image: tag, status: 'present', digest }]);
    expect(requests(again.records, 'GET', '/blobs/sha256')).toEqual([]); // the manifest only
    expect(await warmImages([tag], options(dir.path, { force: true }).opts)).toEqual([{ image: tag, status: 'warmed', digest }]);

    // With a resolver (online), a tag is resolved, then read from the store.
    const online = recordingClient();
    const resolveDigest = async (ref: ReturnType<typeof parseReference>) => (await remoteImage(online.client, ref, DEFAULT_PLATFORM)).digest();
    const resolved = await cachedBaseImage(dir.path, parseReference(tag), { platform: DEFAULT_PLATFORM, resolveDigest });
    expect(await resolved?.digest()).toBe(digest);

    await registry.stop(); // from here on, nothing is reachable

    const pinned = await cachedBaseImage(dir.path, withDigest(parseReference(tag), digest), { platform: DEFAULT_PLATFORM });
    expect(await pinned?.digest()).toBe(digest);
    await validateImage(pinned!);
    const byTag = await cachedBaseImage(dir.path, parseReference(tag), { platform: DEFAULT_PLATFORM });
    expect(await byTag?.digest()).toBe(digest);
    await expect(cachedBaseImage(dir.path, parseReference(tag), { platform: DEFAULT_PLATFORM, resolveDigest })).rejects.toMatchObject({ code: 'TSB_REGISTRY' });
    expect(await cachedBaseImage(dir.path, parseReference(`${registry.host}/base/other:1`), { platform: DEFAULT_PLATFORM })).toBeUndefined();
    expect(await cachedBaseImage(dir.path, parseReference(tag), { platform: { os: 'linux', architecture: 'arm64' } })).toBeUndefined();
    const later = () => new Date(Date.now() + 400 * 3600_000);
    expect(await cachedBaseImage(dir.path, withDigest(parseReference(tag), digest), { platform: DEFAULT_PLATFORM, now: later })).toBeUndefined();
  });

  it('warns about an image it cannot pull, and fails only when none could be warmed', async () => {
    await using dir = await tempDir();
    await using own = await startRegistry();
    const missing = `${own.host}/base/missing:1`;
    await pushBusybox(own.host, work.path);
    const { opts, records } = options(dir.path);
    const results = await warmImages([missing, `${own.host}/base/busybox:latest`], opts);
    expect(results.map((r) => r.status)).toEqual(['failed', 'warmed']);
    expect(warnings(records).map((r) => r.msg)).toEqual(['could not warm image']);
    await expect(warmImages([missing], options(dir.path).opts)).rejects.toMatchObject({ code: 'TSB_REGISTRY' });
  });
});
