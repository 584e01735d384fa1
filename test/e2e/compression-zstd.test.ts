/**
 * `--compression=zstd` through the real bin/tsbuild against a real registry: a multi-stage build
 * with COPY, COPY --from and RUN (a deletion included) pushes OCI zstd layers that skopeo reads.
 * umoci 0.4.7 (Debian 12) refuses zstd layers ("blob is not correct mediatype"), so the tree is
 * unpacked by umoci after skopeo has recompressed the image to gzip, and every zstd blob is also
 * decompressed with `zstd -d` and checked against its diffID. The tree and the diffIDs equal the
 * gzip build's; `--reproducible` gives one digest; `--compression-level` changes the blobs and
 * not the tars; the cache keeps zstd and gzip apart; a Docker-media-type base becomes OCI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendLayers, pushImage, scratchImage, withConfig } from '../../src/image/index.js';
import { silentLogger } from '../../src/log/index.js';
import { DEFAULT_PLATFORM, MediaType, parseReference } from '../../src/oci/index.js';
import { anonymousCredentials, RegistryClient } from '../../src/registry/index.js';
import { busyboxImage, pushBusybox } from '../helpers/busybox-image.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { runTsbuild, type TsbuildRun } from '../helpers/run-tsbuild.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';
import { readTreeFacts } from '../helpers/tree-facts.js';

const DOCKERFILE = [
  'ARG BASE',
  'FROM ${BASE} AS build',
  'COPY app.txt /src/app.txt',
  'RUN mkdir -p /out && cp /src/app.txt /out/app.txt && seq 1 50000 > /out/numbers && chmod 0750 /out',
  'FROM ${BASE}',
  'COPY --from=build /out /opt/out',
  'RUN rm /base/remove.txt && ln -s /opt/out/app.txt /app.txt && chown -R 1000:1000 /opt/out',
  'WORKDIR /srv',
  '',
].join('\n');

const OCI_ZSTD = MediaType.ociLayerZstd;
const OCI_GZIP = MediaType.ociLayerGzip;

interface RawManifest {
  readonly mediaType: string;
  readonly config: { readonly mediaType: string; readonly digest: string };
  readonly layers: readonly { readonly mediaType: string; readonly digest: string; readonly size: number }[];
}

let registry: TestRegistry;
let work: TempDir;
let context: string;
let base: string;
let dockerBase: string;
let count = 0;

/** Pushes the busybox image again under Docker's media types (the layer blob is the same). */
async function pushDockerBase(host: string, dir: string): Promise<string> {
  const oci = await busyboxImage(dir);
  const [layers, config] = await Promise.all([oci.layers(), oci.config()]);
  const docker = appendLayers(scratchImage('docker', DEFAULT_PLATFORM), layers.map((layer, i) => ({ layer, history: config.history![i]! })));
  const image = withConfig(docker, (c) => ({ ...c, created: config.created!, config: config.config! }));
  const client = new RegistryClient({ policy: () => ({ insecure: true, skipTlsVerify: false }), credentials: anonymousCredentials(), logger: silentLogger() });
  const ref = `${host}/base/busybox-docker:latest`;
  await pushImage(client, image, parseReference(ref));
  return ref;
}

beforeAll(async () => {
  registry = await startRegistry();
  work = await tempDir();
  await pushBusybox(registry.host, work.path);
  base = `${registry.host}/base/busybox:latest`;
  dockerBase = await pushDockerBase(registry.host, work.path);
  context = join(work.path, 'app');
  mkdirSync(context);
  writeFileSync(join(context, 'Dockerfile'), DOCKERFILE);
  writeFileSync(join(context, 'app.txt'), 'compressed with zstd\n'.repeat(1000));
}, 60_000);
afterAll(async () => {
  await registry?.stop();
  await work?.[Symbol.asyncDispose]();
});

/** Builds the context into `app:tag` (a fresh work dir each time) and returns the run. */
async function build(tag: string, args: readonly string[], from = base): Promise<TsbuildRun> {
  const argv = ['--context', context, '--destination', `${registry.host}/app:${tag}`, '--build-arg', `BASE=${from}`, ...args];
  const run = await runTsbuild(argv, { TSBUILD_WORK_DIR: join(work.path, `work-${(count += 1)}`) });
  expect(run.code, run.stderr).toBe(0);
  return run;
}

const skopeo = (...args: string[]) => execFileSync('skopeo', args, { encoding: 'utf8', maxBuffer: 64 << 20 });
const manifestOf = (tag: string) => JSON.parse(skopeo('inspect', '--raw', '--tls-verify=false', `docker://${registry.host}/app:${tag}`)) as RawManifest;
const digestOf = (tag: string) => (JSON.parse(skopeo('inspect', '--tls-verify=false', `docker://${registry.host}/app:${tag}`)) as { Digest: string }).Digest;
const diffIdsOf = (tag: string) => (JSON.parse(skopeo('inspect', '--config', '--tls-verify=false', `docker://${registry.host}/app:${tag}`)) as { rootfs: { diff_ids: string[] } }).rootfs.diff_ids;

/** skopeo copies the image into an OCI layout (recompressed to gzip when asked); umoci unpacks it. */
function unpack(tag: string, gzip: boolean): { layout: string; rootfs: string } {
  const out = join(work.path, `unpack-${tag}-${gzip ? 'gzip' : 'as-pushed'}`);
  mkdirSync(out);
  const layout = join(out, 'layout');
  skopeo('copy', '--src-tls-verify=false', ...(gzip ? ['--dest-compress-format=gzip'] : []), `docker://${registry.host}/app:${tag}`, `oci:${layout}:img`);
  if (gzip) execFileSync('umoci', ['unpack', '--image', `${layout}:img`, join(out, 'bundle')], { stdio: 'pipe' });
  return { layout, rootfs: join(out, 'bundle/rootfs') };
}

/** sha256 of the zstd blob's decompressed bytes, by the zstd program and sha256sum. */
function zstdDiffId(blob: string): string {
  return `sha256:${execFileSync('sh', ['-c', 'zstd -dc "$1" | sha256sum', 'sh', blob], { encoding: 'utf8' }).split(' ')[0]}`;
}

describe('--compression=zstd (e2e)', () => {
  it('pushes zstd layers under OCI media types that skopeo and zstd read, with the tree and tars of the gzip build', async () => {
    await build('zstd', ['--compression=zstd', '--reproducible']);
    await build('gzip', ['--reproducible']);
    const zstd = manifestOf('zstd');
    expect(zstd.mediaType).toBe(MediaType.ociManifest);
    expect(zstd.config.mediaType).toBe(MediaType.ociConfig);
    // The base's gzip layer is reused as it is; the stage's four new layers are zstd.
    expect(zstd.layers.map((l) => l.mediaType)).toEqual([OCI_GZIP, OCI_ZSTD, OCI_ZSTD, OCI_ZSTD]);
    expect(manifestOf('gzip').layers.map((l) => l.mediaType)).toEqual([OCI_GZIP, OCI_GZIP, OCI_GZIP, OCI_GZIP]);
    // Same tars, other blobs.
    expect(diffIdsOf('zstd')).toEqual(diffIdsOf('gzip'));
    expect(zstd.layers.slice(1).map((l) => l.digest)).not.toEqual(manifestOf('gzip').layers.slice(1).map((l) => l.digest));

    const { layout } = unpack('zstd', false);
    const diffIds = diffIdsOf('zstd');
    for (const [i, layer] of zstd.layers.entries()) {
      if (layer.mediaType !== OCI_ZSTD) continue;
      expect(zstdDiffId(join(layout, 'blobs/sha256', layer.digest.slice(7)))).toBe(diffIds[i]);
    }

    const fromZstd = readTreeFacts(unpack('zstd', true).rootfs);
    const fromGzip = readTreeFacts(unpack('gzip', true).rootfs);
    expect(fromZstd.get('/opt/out/numbers')).toMatchObject({ type: 'file', uid: 1000, gid: 1000 });
    expect(fromZstd.has('/base/remove.txt')).toBe(false);
    expect(fromZstd).toEqual(fromGzip);
  }, 180_000);

  it('gives the same digest twice with --reproducible, and other blobs of the same tars at another level', async () => {
    await build('zstd-a', ['--compression=zstd', '--reproducible']);
    await build('zstd-b', ['--compression=zstd', '--reproducible']);
    await build('zstd-19', ['--compression=zstd', '--compression-level=19', '--reproducible']);
    await build('zstd-default', ['--compression=zstd', '--compression-level=3', '--reproducible']);
    expect(digestOf('zstd-b')).toBe(digestOf('zstd-a'));
    expect(digestOf('zstd-default')).toBe(digestOf('zstd-a'));
    expect(digestOf('zstd-19')).not.toBe(digestOf('zstd-a'));
    const [a, high] = [manifestOf('zstd-a'), manifestOf('zstd-19')];
    expect(high.layers.map((l) => l.mediaType)).toEqual(a.layers.map((l) => l.mediaType));
    for (const i of [1, 2]) expect(high.layers[i]!.digest).not.toBe(a.layers[i]!.digest);
    expect(diffIdsOf('zstd-19')).toEqual(diffIdsOf('zstd-a'));
  }, 180_000);

  it('writes the one layer of --single-snapshot as zstd too', async () => {
    await build('single', ['--compression=zstd', '--single-snapshot']);
    expect(manifestOf('single').layers.map((l) => l.mediaType)).toEqual([OCI_GZIP, OCI_ZSTD]);
    const { layout } = unpack('single', false);
    const layer = manifestOf('single').layers[1]!;
    expect(zstdDiffId(join(layout, 'blobs/sha256', layer.digest.slice(7)))).toBe(diffIdsOf('single')[1]);
  }, 120_000);

  it('keeps zstd and gzip apart in the layer cache', async () => {
    const cache = ['--cache=true', `--cache-repo=${registry.host}/cache/app`, '--reproducible'];
    const cold = await build('cache-zstd-1', ['--compression=zstd', ...cache]);
    expect(cold.stderr).not.toContain('(cache hit)');
    const warm = await build('cache-zstd-2', ['--compression=zstd', ...cache]);
    expect(warm.stderr).not.toContain('(cache miss)');
    expect(warm.stderr).toContain('(cache hit)');
    // The cached layers come back as they were saved: zstd, the same image.
    expect(manifestOf('cache-zstd-2').layers.map((l) => l.mediaType)).toEqual([OCI_GZIP, OCI_ZSTD, OCI_ZSTD, OCI_ZSTD]);
    expect(digestOf('cache-zstd-2')).toBe(digestOf('cache-zstd-1'));

    // A gzip build with the same cache finds nothing of the zstd build's, and writes gzip.
    const gzip = await build('cache-gzip', cache);
    expect(gzip.stderr).not.toContain('(cache hit)');
    expect(gzip.stderr).toMatch(/cache: 0 of \d+ steps found/);
    expect(manifestOf('cache-gzip').layers.map((l) => l.mediaType)).toEqual([OCI_GZIP, OCI_GZIP, OCI_GZIP, OCI_GZIP]);
    expect(digestOf('cache-gzip')).toBe(digestOf('gzip'));
    // And the other way round: the gzip entries never serve a zstd build at another level.
    const other = await build('cache-zstd-19', ['--compression=zstd', '--compression-level=19', ...cache]);
    expect(other.stderr).not.toContain('(cache hit)');
    expect(manifestOf('cache-zstd-19').layers.slice(1).map((l) => l.mediaType)).toEqual([OCI_ZSTD, OCI_ZSTD, OCI_ZSTD]);
  }, 240_000);

  it('makes the image OCI when the base has Docker media types, keeping the base blob', async () => {
    const zstd = await build('docker-zstd', ['--compression=zstd'], dockerBase);
    expect(zstd.stderr).toMatch(/WARN.*--compression=zstd makes this image OCI/);
    const gzip = await build('docker-gzip', [], dockerBase);
    expect(gzip.stderr).not.toMatch(/makes this image OCI/);
    const baseManifest = JSON.parse(skopeo('inspect', '--raw', '--tls-verify=false', `docker://${dockerBase}`)) as RawManifest;
    expect(baseManifest.mediaType).toBe(MediaType.dockerManifest);

    const converted = manifestOf('docker-zstd');
    expect(converted.mediaType).toBe(MediaType.ociManifest);
    expect(converted.config.mediaType).toBe(MediaType.ociConfig);
    expect(converted.layers.map((l) => l.mediaType)).toEqual([OCI_GZIP, OCI_ZSTD, OCI_ZSTD, OCI_ZSTD]);
    expect(converted.layers[0]!.digest).toBe(baseManifest.layers[0]!.digest);
    // Without zstd the image keeps its base's Docker media types, as before.
    const kept = manifestOf('docker-gzip');
    expect(kept.mediaType).toBe(MediaType.dockerManifest);
    expect(kept.layers.map((l) => l.mediaType)).toEqual(Array(4).fill(MediaType.dockerLayerGzip));
    expect(readTreeFacts(unpack('docker-zstd', true).rootfs)).toEqual(readTreeFacts(unpack('docker-gzip', true).rootfs));
  }, 180_000);
});
