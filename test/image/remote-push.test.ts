/**
 * pushImage and remoteImage against a real distribution registry, with skopeo as an independent
 * reader. Request counts come from the client's own debug log (one record per HTTP exchange).
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { Readable, Writable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushImage } from '../../src/image/push.js';
import { remoteImage } from '../../src/image/remote.js';
import type { Image } from '../../src/image/types.js';
import { createLogger } from '../../src/log/index.js';
import { type Digest, MediaType, parseReference, sha256Digest } from '../../src/oci/index.js';
import { anonymousCredentials, RegistryClient } from '../../src/registry/index.js';
import { memoryImage, memoryLayer, type MemoryLayer } from '../helpers/memory-layer.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';

const run = promisify(execFile);
const AMD64 = { os: 'linux', architecture: 'amd64' };

interface LogRecord {
  readonly msg: string;
  readonly method?: string;
  readonly url?: string;
  readonly status?: number;
}

/** A client whose debug log is collected, so tests can count the requests it made. */
function recordingClient(): { client: RegistryClient; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) records.push(JSON.parse(line) as LogRecord);
      done();
    },
  });
  const logger = createLogger({ format: 'json', level: 'debug', destination });
  const client = new RegistryClient({ policy: () => ({ insecure: false, skipTlsVerify: false }), credentials: anonymousCredentials(), logger });
  return { client, records };
}

function requests(records: readonly LogRecord[], method: string, urlPart = ''): LogRecord[] {
  return records.filter((r) => r.msg === 'registry request' && r.method === method && (r.url ?? '').includes(urlPart));
}

async function bytesOf(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('pushImage / remoteImage against docker-registry', () => {
  let registry: TestRegistry;
  let layers: MemoryLayer[];
  let image: Image;

  beforeAll(async () => {
    registry = await startRegistry();
    layers = [await memoryLayer({ 'etc/hello': 'hello\n' }), await memoryLayer({ 'bin/tool': 'x'.repeat(100_000), 'etc/b': 'b' })];
    image = await memoryImage(layers, { config: { Env: ['PATH=/bin'], Cmd: ['/bin/tool'] } });
  });
  afterAll(async () => registry?.stop());

  it('round-trips a two-layer image: manifest, config, diffIDs, layer bytes', async () => {
    const { client } = recordingClient();
    const ref = parseReference(`${registry.host}/team/app:1.0`);
    const digest = await pushImage(client, image, ref);
    expect(digest).toBe(await image.digest());

    const pulled = await remoteImage(client, ref, AMD64);
    expect(await pulled.digest()).toBe(digest);
    expect(Buffer.from(await pulled.rawManifest())).toEqual(Buffer.from(await image.rawManifest()));
    expect(await pulled.config()).toEqual(await image.config());
    expect(pulled.family).toBe('oci');
    const got = await pulled.layers();
    expect(got).toHaveLength(2);
    for (const [i, layer] of got.entries()) {
      expect(await layer.digest()).toBe(await layers[i]!.digest());
      expect(await layer.diffId()).toBe(await layers[i]!.diffId());
      expect(layer.origin).toEqual({ registry: registry.host, repository: 'team/app' });
      expect(await bytesOf(await layer.open())).toEqual(layers[i]!.blob);
    }
    client.close();
  });

  it('uploads nothing the second time', async () => {
    const ref = parseReference(`${registry.host}/team/twice:1`);
    const first = recordingClient();
    await pushImage(first.client, image, ref);
    expect(requests(first.records, 'POST', '/blobs/uploads/')).toHaveLength(3); // two layers and the config
    const second = recordingClient();
    await pushImage(second.client, image, ref);
    expect(requests(second.records, 'POST')).toHaveLength(0);
    expect(requests(second.records, 'PUT', '/blobs/')).toHaveLength(0);
    expect(requests(second.records, 'HEAD', '/blobs/')).toHaveLength(3);
    expect(requests(second.records, 'PUT', '/manifests/1')).toHaveLength(1);
    first.client.close();
    second.client.close();
  });

  it('mounts layers from another repository of the same registry instead of uploading them', async () => {
    const { client, records } = recordingClient();
    await pushImage(client, image, parseReference(`${registry.host}/team/source:1`));
    const base = await remoteImage(client, parseReference(`${registry.host}/team/source:1`), AMD64);
    records.length = 0;
    await pushImage(client, base, parseReference(`${registry.host}/other/copy:1`));
    const mounts = requests(records, 'POST', 'mount=');
    expect(mounts).toHaveLength(2);
    expect(mounts.every((r) => r.status === 201 && (r.url ?? '').includes('from=team%2Fsource'))).toBe(true);
    expect(requests(records, 'PUT', '/blobs/')).toHaveLength(1); // only the config (layers carry the origin)
    const copy = await remoteImage(client, parseReference(`${registry.host}/other/copy:1`), AMD64);
    expect(await bytesOf(await (await copy.layers())[1]!.open())).toEqual(layers[1]!.blob);
    // A blob the source repository does not have: the registry declines (202) and we say so.
    expect(await client.mountBlob(registry.host, 'other/copy', sha256Digest('absent'), 'team/source')).toBe(false);
    client.close();
  });

  it('is read back by skopeo with the same digest and layers', async () => {
    const { client } = recordingClient();
    const digest = await pushImage(client, image, parseReference(`${registry.host}/team/skopeo:v1`));
    const { stdout } = await run('skopeo', ['inspect', '--tls-verify=false', `docker://${registry.host}/team/skopeo:v1`]);
    const seen = JSON.parse(stdout) as { Digest: string; Layers: string[]; Os: string; Architecture: string };
    expect(seen.Digest).toBe(digest);
    expect(seen.Layers).toEqual(await Promise.all(layers.map((l) => l.digest())));
    expect([seen.Os, seen.Architecture]).toEqual(['linux', 'amd64']);
    client.close();
  });

  it('fails with TSB_DIGEST_MISMATCH when the registry serves corrupted blob bytes', async () => {
    const { client } = recordingClient();
    const corrupt = await memoryLayer({ 'etc/corrupt-me': 'original content' });
    const ref = parseReference(`${registry.host}/team/corrupt:1`);
    await pushImage(client, await memoryImage([corrupt]), ref);
    const path = registry.blobDataPath(await corrupt.digest());
    const original = await readFile(path);
    await writeFile(path, Buffer.alloc(original.length, 0x41));
    const [layer] = await (await remoteImage(client, ref, AMD64)).layers();
    const read = bytesOf(await layer!.open());
    await expect(read).rejects.toMatchObject({ code: 'TSB_DIGEST_MISMATCH' });
    await expect(read).rejects.toThrow(await corrupt.digest());
    client.close();
  });

  it('picks the wanted platform from an index, skipping attestations', async () => {
    const { client } = recordingClient();
    const repo = `${registry.host}/team/multi`;
    const arm = await memoryImage([await memoryLayer({ arch: 'arm64' })], { architecture: 'arm64', variant: 'v8' });
    const amd = await memoryImage([await memoryLayer({ arch: 'amd64' })]);
    const attestation = await memoryImage([await memoryLayer({ 'sbom.json': '{}' })], { architecture: 'unknown', os: 'unknown' });
    const entries: { img: Image; platform: object; annotations?: Record<string, string> }[] = [
      { img: attestation, platform: { os: 'unknown', architecture: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } },
      { img: arm, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
      { img: amd, platform: AMD64 },
    ];
    const manifests = [];
    for (const e of entries) {
      const digest = await pushImage(client, e.img, parseReference(`${repo}@${await e.img.digest()}`));
      const size = (await e.img.rawManifest()).byteLength;
      manifests.push({ mediaType: MediaType.ociManifest, digest, size, platform: e.platform, ...(e.annotations ? { annotations: e.annotations } : {}) });
    }
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests }));
    const indexDigest = await client.putManifest(registry.host, 'team/multi', 'latest', index, MediaType.ociIndex);
    expect(indexDigest).toBe(sha256Digest(index));

    const picked = await remoteImage(client, parseReference(`${repo}:latest`), AMD64);
    expect(await picked.digest()).toBe(await amd.digest());
    expect((await picked.config()).architecture).toBe('amd64');
    const pickedArm = await remoteImage(client, parseReference(`${repo}:latest`), { os: 'linux', architecture: 'arm64' });
    expect(await pickedArm.digest()).toBe(await arm.digest());

    const missing = remoteImage(client, parseReference(`${repo}:latest`), { os: 'linux', architecture: 's390x' });
    await expect(missing).rejects.toMatchObject({ code: 'TSB_PLATFORM_NOT_FOUND' });
    await expect(missing).rejects.toThrow('available: linux/arm64/v8, linux/amd64');
    client.close();
  });

  it('resolves nested indexes: an index entry that is itself an index', async () => {
    const { client } = recordingClient();
    const repo = `${registry.host}/team/nested`;
    const amd = await memoryImage([await memoryLayer({ nested: 'amd64' })]);
    const arm = await memoryImage([await memoryLayer({ nested: 'arm64' })], { architecture: 'arm64' });
    const descriptor = async (img: Image, platform: object) => ({
      mediaType: MediaType.ociManifest,
      digest: await pushImage(client, img, parseReference(`${repo}@${await img.digest()}`)),
      size: (await img.rawManifest()).byteLength,
      platform,
    });
    const inner = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [await descriptor(amd, AMD64)] }));
    const innerDigest = await client.putManifest(registry.host, 'team/nested', sha256Digest(inner), inner, MediaType.ociIndex);
    const outer = Buffer.from(JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.ociIndex,
      manifests: [await descriptor(arm, { os: 'linux', architecture: 'arm64' }), { mediaType: MediaType.ociIndex, digest: innerDigest, size: inner.length }],
    }));
    await client.putManifest(registry.host, 'team/nested', 'multi', outer, MediaType.ociIndex);

    expect(await (await remoteImage(client, parseReference(`${repo}:multi`), AMD64)).digest()).toBe(await amd.digest());
    expect(await (await remoteImage(client, parseReference(`${repo}:multi`), { os: 'linux', architecture: 'arm64' })).digest()).toBe(await arm.digest());
    const missing = remoteImage(client, parseReference(`${repo}:multi`), { os: 'linux', architecture: 's390x' });
    await expect(missing).rejects.toMatchObject({ code: 'TSB_PLATFORM_NOT_FOUND' });
    await expect(missing).rejects.toThrow('available: linux/arm64, linux/amd64');
    client.close();
  });

  it('reports a missing manifest with the registry diagnostics', async () => {
    const { client } = recordingClient();
    const absent = remoteImage(client, parseReference(`${registry.host}/team/nothing:here`), AMD64);
    await expect(absent).rejects.toMatchObject({ code: 'TSB_REGISTRY', status: 404, repository: 'team/nothing' });
    await expect(absent).rejects.toThrow('MANIFEST_UNKNOWN');
    client.close();
  });

  it('validates the config at the border: TSB_MANIFEST_INVALID naming the reference', async () => {
    const { client } = recordingClient();
    const notAConfig = Buffer.from('{"hello":"world"}');
    const configDigest = sha256Digest(notAConfig);
    await client.uploadBlob(registry.host, 'team/odd', configDigest, notAConfig.length, async () => Readable.from([notAConfig]));
    const manifest = { schemaVersion: 2, mediaType: MediaType.ociManifest, config: { mediaType: MediaType.ociConfig, digest: configDigest, size: notAConfig.length }, layers: [] };
    await client.putManifest(registry.host, 'team/odd', 'v1', Buffer.from(JSON.stringify(manifest)), MediaType.ociManifest);
    const odd = await remoteImage(client, parseReference(`${registry.host}/team/odd:v1`), AMD64);
    expect(Buffer.from(await odd.rawConfig())).toEqual(notAConfig);
    const config = odd.config();
    await expect(config).rejects.toMatchObject({ code: 'TSB_MANIFEST_INVALID' });
    await expect(config).rejects.toThrow(`config of ${registry.host}/team/odd:v1 is invalid: architecture`);
    client.close();
  });

  it('keeps the Docker media-type family', async () => {
    const { client } = recordingClient();
    const layer = await memoryLayer({ 'etc/docker': 'yes' }, { mediaType: MediaType.dockerLayerGzip });
    const docker = await memoryImage([layer], {}, 'docker');
    const ref = parseReference(`${registry.host}/team/docker:1`);
    await pushImage(client, docker, ref);
    const pulled = await remoteImage(client, ref, AMD64);
    expect(pulled.family).toBe('docker');
    expect((await pulled.manifest()).mediaType).toBe(MediaType.dockerManifest);
    expect((await pulled.configDescriptor()).mediaType).toBe(MediaType.dockerConfig);
    expect((await pulled.layers())[0]!.mediaType).toBe(MediaType.dockerLayerGzip);
    client.close();
  });

  it('refuses to push a manifest under a digest it does not have', async () => {
    const { client } = recordingClient();
    const wrong = `sha256:${'0'.repeat(64)}` as Digest;
    const push = pushImage(client, image, parseReference(`${registry.host}/team/pinned@${wrong}`));
    await expect(push).rejects.toMatchObject({ code: 'TSB_DIGEST_MISMATCH' });
    client.close();
  });
});
