/**
 * What a zstd build does to a Docker-media-type base (as BuildKit: the image becomes OCI): the
 * manifest and config get OCI media types, each base layer its OCI equivalent over the same
 * blob, and zstd layers can then be appended. Sinks write the result and independent tools
 * (skopeo, zstd) read it back.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  appendLayers, asOciImage, compressionId, layerFromFile, layerMediaType, scratchImage, withConfig, writeDockerTar, writeLayer, writeOciLayout, type Layer,
} from '../../src/image/index.js';
import { DEFAULT_PLATFORM, MediaType } from '../../src/oci/index.js';
import { randomImage, randomLayerFiles, tarOf } from '../helpers/random-image.js';
import { tempDir } from '../helpers/temp-dir.js';
import { validateImage } from '../helpers/validate-image.js';

/** The same blob under another media type, as a registry might list a layer. */
async function labelled(layer: Layer, mediaType: string, dir: string): Promise<Layer> {
  const digest = await layer.digest();
  return layerFromFile(join(dir, digest.slice(7)), { digest, diffId: await layer.diffId(), size: await layer.size(), mediaType });
}

describe('asOciImage', () => {
  it('turns a Docker image into the same image under OCI media types, blobs and config unchanged', async () => {
    await using dir = await tempDir();
    const docker = await randomImage({ dir: dir.path, family: 'docker', layers: 2 });
    const oci = asOciImage(docker);
    const [before, after] = [await docker.manifest(), await oci.manifest()];
    expect(before.mediaType).toBe(MediaType.dockerManifest);
    expect(after.mediaType).toBe(MediaType.ociManifest);
    expect(after.config.mediaType).toBe(MediaType.ociConfig);
    expect(after.config.digest).toBe(before.config.digest);
    expect(after.layers).toEqual(before.layers.map((l) => ({ ...l, mediaType: MediaType.ociLayerGzip })));
    expect(oci.family).toBe('oci');
    await validateImage(oci);
  });

  it('returns an OCI image as it is', async () => {
    await using dir = await tempDir();
    const img = await randomImage({ dir: dir.path, family: 'oci', layers: 1 });
    expect(asOciImage(img)).toBe(img);
  });

  it('takes zstd layers on top once OCI, and every sink writes what skopeo and zstd read back', async () => {
    await using dir = await tempDir();
    const docker = await randomImage({ dir: dir.path, family: 'docker', layers: 1 });
    const zstd = await writeLayer(tarOf(randomLayerFiles('zstd', 1, 3, 5000)), { dir: dir.path, mediaType: layerMediaType('oci', 'zstd') });
    const img = withConfig(appendLayers(asOciImage(docker), [{ layer: zstd, history: { created_by: 'RUN make' } }]), (c) => ({ ...c, author: 'zstd test' }));
    expect((await img.manifest()).layers.map((l) => l.mediaType)).toEqual([MediaType.ociLayerGzip, MediaType.ociLayerZstd]);
    await validateImage(img);

    const layout = join(dir.path, 'layout');
    await writeOciLayout(img, layout, 'zstd');
    const inspected = JSON.parse(execFileSync('skopeo', ['inspect', '--raw', `oci:${layout}:zstd`], { encoding: 'utf8' })) as { layers: { mediaType: string; digest: string }[] };
    expect(inspected.layers.map((l) => l.mediaType)).toEqual([MediaType.ociLayerGzip, MediaType.ociLayerZstd]);
    const blob = join(layout, 'blobs/sha256', inspected.layers[1]!.digest.slice(7));
    const listing = execFileSync('sh', ['-c', 'zstd -dc "$1" | tar -tf -', 'sh', blob], { encoding: 'utf8' });
    expect(listing.split('\n').filter((n) => n && !n.endsWith('/'))).toEqual(randomLayerFiles('zstd', 1, 3, 5000).map((f) => f.name));

    // docker save's layout names the zstd blob .tar.zst; skopeo reads the archive back.
    const archive = join(dir.path, 'image.tar');
    await writeDockerTar(img, archive, ['example.com/zstd:1']);
    const names = execFileSync('tar', ['-tf', archive], { encoding: 'utf8' });
    expect(names).toContain(`${(await zstd.digest()).slice(7)}.tar.zst`);
    const fromArchive = JSON.parse(execFileSync('skopeo', ['inspect', '--config', `docker-archive:${archive}`], { encoding: 'utf8' })) as { rootfs: { diff_ids: string[] } };
    expect(fromArchive.rootfs.diff_ids.at(-1)).toBe(await zstd.diffId());
    expect(readFileSync(join(dir.path, (await zstd.digest()).slice(7))).subarray(0, 4).toString('hex')).toBe('28b52ffd');
  });

  it('maps foreign and uncompressed Docker layers as BuildKit does, and refuses a type OCI has no name for', async () => {
    await using dir = await tempDir();
    const gzip = await writeLayer(Readable.from(tarOf(randomLayerFiles('f', 0, 1, 100))), { dir: dir.path, mediaType: MediaType.dockerLayerGzip });
    const foreign = await labelled(gzip, MediaType.dockerForeignLayerGzip, dir.path);
    const docker = appendLayers(scratchImage('docker', DEFAULT_PLATFORM), [{ layer: foreign, history: {} }]);
    const oci = asOciImage(docker);
    expect((await oci.manifest()).layers[0]!.mediaType).toBe('application/vnd.oci.image.layer.nondistributable.v1.tar+gzip');
    expect((await oci.layers())[0]!.mediaType).toBe('application/vnd.oci.image.layer.nondistributable.v1.tar+gzip');

    const odd = await labelled(gzip, 'application/vnd.docker.image.rootfs.diff.tar.zstd', dir.path);
    const strange = appendLayers(scratchImage('docker', DEFAULT_PLATFORM), [{ layer: odd, history: {} }]);
    await expect(asOciImage(strange).manifest()).rejects.toMatchObject({ code: 'TSB_MANIFEST_INVALID', message: /no OCI equivalent/ });
  });
});

describe('layer compression settings', () => {
  it('names the blob format for cache keys, level defaults included', () => {
    expect(compressionId({ format: 'gzip' })).toBe('gzip-6-members-1048576');
    expect(compressionId({ format: 'gzip', level: 6 })).toBe(compressionId({ format: 'gzip' }));
    expect(compressionId({ format: 'zstd' })).toBe('zstd-3');
    expect(compressionId({ format: 'zstd', level: 19 })).toBe('zstd-19');
    expect(layerMediaType('docker', 'gzip')).toBe(MediaType.dockerLayerGzip);
    expect(layerMediaType('oci', 'zstd')).toBe(MediaType.ociLayerZstd);
    expect(() => layerMediaType('docker', 'zstd')).toThrow(/Docker media-type image/);
  });
});
