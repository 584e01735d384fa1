import { describe, expect, it } from 'vitest';
import { MediaType, mediaTypesFor } from '../../src/oci/index.js';
import { appendLayers, DEFAULT_PATH_ENV, scratchImage, withConfig, writeLayer } from '../../src/image/index.js';
import { randomImage, randomLayerFiles, tarOf } from '../helpers/random-image.js';
import { tempDir } from '../helpers/temp-dir.js';
import { validateImage } from '../helpers/validate-image.js';

const amd64 = { os: 'linux', architecture: 'amd64' };

describe('scratchImage', () => {
  it('has BuildKit emptyImage config: platform, PATH, WorkingDir /, no layers', async () => {
    const img = scratchImage('oci', { os: 'linux', architecture: 'arm64', variant: 'v8' });
    expect(await img.config()).toEqual({
      architecture: 'arm64',
      os: 'linux',
      variant: 'v8',
      config: { Env: [`PATH=${DEFAULT_PATH_ENV}`], WorkingDir: '/' },
      rootfs: { type: 'layers', diff_ids: [] },
    });
    expect(Buffer.from(await img.rawConfig()).toString()).toBe(
      '{"architecture":"arm64","os":"linux","variant":"v8","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":[]}}',
    );
    expect(await img.layers()).toEqual([]);
    await validateImage(img);
  });

  it('leaves PATH unset for Windows, as BuildKit does', async () => {
    const cfg = await scratchImage('oci', { os: 'windows', architecture: 'amd64' }).config();
    expect(cfg.config).toEqual({ WorkingDir: '/' });
  });

  it.each(['oci', 'docker'] as const)('uses the %s family media types', async (family) => {
    const m = await scratchImage(family, amd64).manifest();
    expect(m.mediaType).toBe(mediaTypesFor(family).manifest);
    expect(m.config.mediaType).toBe(mediaTypesFor(family).config);
  });
});

describe('appendLayers', () => {
  it.each(['oci', 'docker'] as const)('grows manifest, diff_ids and history together (%s)', async (family) => {
    await using dir = await tempDir();
    const img = await randomImage({ dir: dir.path, family, layers: 3 });
    const manifest = await img.manifest();
    const config = await img.config();
    expect(manifest.layers.map((l) => l.mediaType)).toEqual(Array(3).fill(mediaTypesFor(family).layerGzip));
    expect(config.history?.map((h) => h.created_by)).toEqual(['layer 0', 'layer 1', 'layer 2']);
    expect(config.config?.WorkingDir).toBe('/');
    await validateImage(img);
  });

  it('is deterministic: the same inputs give the same digest and bytes', async () => {
    await using dir = await tempDir();
    const a = await randomImage({ dir: dir.path, seed: 's' });
    const b = await randomImage({ dir: dir.path, seed: 's' });
    const c = await randomImage({ dir: dir.path, seed: 't' });
    expect(await b.digest()).toBe(await a.digest());
    expect(Buffer.from(await b.rawConfig()).equals(Buffer.from(await a.rawConfig()))).toBe(true);
    expect(await c.digest()).not.toBe(await a.digest());
  });

  it('computes once and never changes its base', async () => {
    await using dir = await tempDir();
    const base = await randomImage({ dir: dir.path, layers: 1 });
    const baseDigest = await base.digest();
    const layer = await writeLayer(tarOf(randomLayerFiles('x', 9, 2, 100)), { dir: dir.path, mediaType: MediaType.ociLayerGzip });
    const img = appendLayers(base, [{ layer, history: { created_by: 'COPY x /' } }]);
    expect(await img.manifest()).toBe(await img.manifest());
    expect(await img.rawManifest()).toBe(await img.rawManifest());
    expect((await img.layers()).length).toBe(2);
    expect(await base.digest()).toBe(baseDigest);
    expect((await base.layers()).length).toBe(1);
    await validateImage(img);
  });

  it('relabels a gzip layer to the image family and keeps its origin', async () => {
    await using dir = await tempDir();
    const written = await writeLayer(tarOf(randomLayerFiles('y', 0, 1, 10)), { dir: dir.path, mediaType: MediaType.ociLayerGzip });
    const origin = { registry: 'localhost:5000', repository: 'base' };
    const layer = { mediaType: written.mediaType, digest: () => written.digest(), diffId: () => written.diffId(), size: () => written.size(), open: () => written.open(), origin };
    const img = appendLayers(scratchImage('docker', amd64), [{ layer, history: {} }]);
    const [added] = await img.layers();
    expect(added?.mediaType).toBe(MediaType.dockerLayerGzip);
    expect(added?.origin).toEqual(origin);
    expect((await img.manifest()).layers[0]?.mediaType).toBe(MediaType.dockerLayerGzip);
    await validateImage(img);
  });

  it('fills in history for base layers that had none, so entries stay paired with layers', async () => {
    await using dir = await tempDir();
    const base = withConfig(await randomImage({ dir: dir.path, layers: 2 }), (cfg) => {
      const { history: _dropped, ...rest } = cfg;
      return rest;
    });
    const layer = await writeLayer(tarOf(randomLayerFiles('z', 0, 1, 10)), { dir: dir.path, mediaType: MediaType.ociLayerGzip });
    const img = appendLayers(base, [{ layer, history: { created_by: 'RUN true' } }]);
    expect((await img.config()).history).toEqual([{}, {}, { created_by: 'RUN true' }]);
    await validateImage(img);
  });

  it('rejects a history entry marked empty_layer for a real layer', async () => {
    await using dir = await tempDir();
    const layer = await writeLayer(tarOf(randomLayerFiles('e', 0, 1, 10)), { dir: dir.path, mediaType: MediaType.ociLayerGzip });
    expect(() => appendLayers(scratchImage('oci', amd64), [{ layer, history: { empty_layer: true } }])).toThrow(/empty_layer/);
  });
});

describe('withConfig', () => {
  it('replaces the config, keeps the layers, and cannot reach into the base', async () => {
    await using dir = await tempDir();
    const base = await randomImage({ dir: dir.path, layers: 2 });
    const img = withConfig(base, (cfg) => {
      cfg.config!.Env!.push('MUTATED=1'); // editing the copy must not leak into the base
      return { ...cfg, config: { ...cfg.config, Cmd: ['sh'] }, history: [...(cfg.history ?? []), { created_by: 'CMD ["sh"]', empty_layer: true }] };
    });
    expect((await img.config()).config?.Cmd).toEqual(['sh']);
    expect((await base.config()).config?.Env).toEqual([`PATH=${DEFAULT_PATH_ENV}`]);
    expect((await img.manifest()).layers).toEqual((await base.manifest()).layers);
    expect(await img.digest()).not.toBe(await base.digest());
    await validateImage(img);
  });
});
