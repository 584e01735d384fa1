import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MediaType } from '../../src/oci/index.js';
import { REF_NAME_ANNOTATION, writeOciLayout } from '../../src/image/index.js';
import { randomImage } from '../helpers/random-image.js';
import { tempDir } from '../helpers/temp-dir.js';
import { validateImage } from '../helpers/validate-image.js';

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
const readIndex = (dir: string) =>
  JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: { digest: string; mediaType: string; annotations?: Record<string, string> }[] };

describe('writeOciLayout', () => {
  it('writes a layout that skopeo inspects and umoci unpacks', async () => {
    await using dir = await tempDir();
    const img = await randomImage({ dir: dir.path, family: 'oci', layers: 3 });
    const layout = join(dir.path, 'layout');
    await writeOciLayout(img, layout, 'v1');

    expect(JSON.parse(readFileSync(join(layout, 'oci-layout'), 'utf8'))).toEqual({ imageLayoutVersion: '1.0.0' });
    const index = readIndex(layout);
    expect(index.manifests).toEqual([
      { mediaType: MediaType.ociManifest, digest: await img.digest(), size: (await img.rawManifest()).length, annotations: { [REF_NAME_ANNOTATION]: 'v1' } },
    ]);
    const blobs = readdirSync(join(layout, 'blobs', 'sha256'));
    expect(blobs).toHaveLength(5); // 3 layers, config, manifest; no temp files

    const inspected = JSON.parse(run('skopeo', ['inspect', `oci:${layout}:v1`])) as { Digest: string; Layers: string[] };
    expect(inspected.Digest).toBe(await img.digest());
    expect(inspected.Layers).toEqual(await Promise.all((await img.layers()).map((l) => l.digest())));

    const bundle = join(dir.path, 'bundle');
    run('umoci', ['unpack', '--rootless', '--image', `${layout}:v1`, bundle]);
    for (const layer of [0, 1, 2]) {
      expect(statSync(join(bundle, 'rootfs', `layer${layer}`, 'dir1', 'file1.bin')).size).toBe(3000);
    }
    await validateImage(img);
  });

  it('adds to an existing layout, replaces a same-named entry, and skips blobs already there', async () => {
    await using dir = await tempDir();
    const layout = join(dir.path, 'layout');
    const a = await randomImage({ dir: dir.path, seed: 'a', layers: 2 });
    const b = await randomImage({ dir: dir.path, seed: 'b', layers: 2 });
    await writeOciLayout(a, layout, 'a');
    await writeOciLayout(b, layout, 'latest');
    const firstLayer = join(layout, 'blobs', 'sha256', (await (await a.layers())[0]!.digest()).slice(7));
    const mtime = statSync(firstLayer).mtimeMs;
    await writeOciLayout(a, layout, 'latest');

    expect(readIndex(layout).manifests.map((m) => [m.annotations?.[REF_NAME_ANNOTATION], m.digest])).toEqual([
      ['a', await a.digest()],
      ['latest', await a.digest()],
    ]);
    expect(statSync(firstLayer).mtimeMs).toBe(mtime);
    expect(JSON.parse(run('skopeo', ['inspect', `oci:${layout}:latest`])).Digest).toBe(await a.digest());
    // b's blobs stay (a layout is not garbage-collected here), and skopeo still reads them.
    expect(readdirSync(join(layout, 'blobs', 'sha256'))).toHaveLength(8);
  });

  it('adds an unnamed entry once, and writes Docker-family manifests as they are', async () => {
    await using dir = await tempDir();
    const layout = join(dir.path, 'layout');
    const img = await randomImage({ dir: dir.path, family: 'docker', layers: 1 });
    await writeOciLayout(img, layout);
    await writeOciLayout(img, layout);
    expect(readIndex(layout).manifests).toEqual([
      { mediaType: MediaType.dockerManifest, digest: await img.digest(), size: (await img.rawManifest()).length },
    ]);
    const inspected = JSON.parse(run('skopeo', ['inspect', `oci:${layout}`]) /* the only entry */) as { Digest: string };
    expect(inspected.Digest).toBe(await img.digest());
    await validateImage(img);
  });

  it('rejects a bad ref name, a foreign oci-layout version and a broken index', async () => {
    await using dir = await tempDir();
    const img = await randomImage({ dir: dir.path, layers: 1 });
    await expect(writeOciLayout(img, join(dir.path, 'x'), 'bad name!')).rejects.toMatchObject({ code: 'TSB_OUTPUT' });

    const layout = join(dir.path, 'layout');
    await writeOciLayout(img, layout, 'ok');
    writeFileSync(join(layout, 'index.json'), '{"schemaVersion":2}');
    await expect(writeOciLayout(img, layout, 'ok')).rejects.toMatchObject({ code: 'TSB_OUTPUT' });
    writeFileSync(join(layout, 'oci-layout'), '{"imageLayoutVersion":"2.0.0"}');
    await expect(writeOciLayout(img, layout, 'ok')).rejects.toThrow(/layout version/);
  });

  it('does not name a corrupt blob or add an index entry for it', async () => {
    await using dir = await tempDir();
    const img = await randomImage({ dir: dir.path, layers: 1 });
    const digest = await (await img.layers())[0]!.digest();
    const blob = join(dir.path, digest.slice(7));
    const bytes = readFileSync(blob);
    bytes.writeUInt8(bytes.readUInt8(100) ^ 0xff, 100);
    writeFileSync(blob, bytes);
    const layout = join(dir.path, 'layout');
    await expect(writeOciLayout(img, layout, 'x')).rejects.toMatchObject({ code: 'TSB_DIGEST_MISMATCH' });
    expect(readdirSync(join(layout, 'blobs', 'sha256'))).toEqual([]);
    expect(readdirSync(layout).sort()).toEqual(['blobs', 'oci-layout']);
  });
});
