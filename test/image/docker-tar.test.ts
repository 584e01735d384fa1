import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeDockerTar } from '../../src/image/index.js';
import { randomImage } from '../helpers/random-image.js';
import { tempDir } from '../helpers/temp-dir.js';
import { validateImage } from '../helpers/validate-image.js';

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });

describe('writeDockerTar', () => {
  it.each(['docker', 'oci'] as const)('writes a %s-family archive that skopeo reads and copies', async (family) => {
    await using dir = await tempDir();
    const img = await randomImage({ dir: dir.path, family, layers: 2 });
    const path = join(dir.path, 'image.tar');
    await writeDockerTar(img, path, ['localhost:5000/team/app:1.0', 'alpine']);

    const files = run('tar', ['-tf', path]).trim().split('\n');
    const layerHexes = await Promise.all((await img.layers()).map(async (l) => (await l.digest()).slice(7)));
    const configHex = (await img.configDescriptor()).digest.slice(7);
    expect(files).toEqual([`${configHex}.json`, ...layerHexes.map((h) => `${h}.tar.gz`), 'manifest.json']);
    const manifest = JSON.parse(run('tar', ['-xOf', path, 'manifest.json'])) as unknown;
    expect(manifest).toEqual([
      { Config: `${configHex}.json`, RepoTags: ['localhost:5000/team/app:1.0', 'alpine:latest'], Layers: layerHexes.map((h) => `${h}.tar.gz`) },
    ]);

    const inspected = JSON.parse(run('skopeo', ['inspect', '--config', `docker-archive:${path}`])) as { rootfs: { diff_ids: string[] } };
    expect(inspected.rootfs.diff_ids).toEqual((await img.config()).rootfs.diff_ids);

    const oci = join(dir.path, 'copied');
    run('skopeo', ['copy', '--quiet', `docker-archive:${path}`, `oci:${oci}:copied`]);
    run('umoci', ['unpack', '--rootless', '--image', `${oci}:copied`, join(dir.path, 'bundle')]);
    const unpacked = join(dir.path, 'bundle', 'rootfs', 'layer1', 'dir0', 'file0.bin');
    expect(readFileSync(unpacked)).toHaveLength(3000);

    // The file is renamed into place: no temp file is left next to it.
    expect(readdirSync(dir.path).filter((n) => n.endsWith('.partial'))).toEqual([]);
    await validateImage(img);
  });

  it('replaces an existing file atomically and is deterministic', async () => {
    await using dir = await tempDir();
    const img = await randomImage({ dir: dir.path, layers: 1 });
    const path = join(dir.path, 'image.tar');
    writeFileSync(path, 'old contents');
    await writeDockerTar(img, path, ['app:1']);
    const first = readFileSync(path);
    await writeDockerTar(img, path, ['app:1']);
    expect(readFileSync(path).equals(first)).toBe(true);
    expect(run('tar', ['-tf', path])).toContain('manifest.json');
  });

  it('rejects a digest reference as a tag and writes nothing', async () => {
    await using dir = await tempDir();
    const img = await randomImage({ dir: dir.path, layers: 1 });
    const path = join(dir.path, 'image.tar');
    await expect(writeDockerTar(img, path, [`app@${await img.digest()}`])).rejects.toMatchObject({ code: 'TSB_OUTPUT' });
    expect(readdirSync(dir.path).filter((n) => n.includes('tar') || n.endsWith('.partial'))).toEqual([]);
  });

  it('fails on a corrupt layer blob and leaves no file behind', async () => {
    await using dir = await tempDir();
    const img = await randomImage({ dir: dir.path, layers: 2 });
    const blob = join(dir.path, (await (await img.layers())[1]!.digest()).slice(7));
    const bytes = readFileSync(blob);
    bytes.writeUInt8(bytes.readUInt8(100) ^ 0xff, 100);
    writeFileSync(blob, bytes);
    const path = join(dir.path, 'out', 'image.tar');
    mkdirSync(join(dir.path, 'out'));
    await expect(writeDockerTar(img, path, ['app:1'])).rejects.toMatchObject({ code: 'TSB_DIGEST_MISMATCH' });
    expect(readdirSync(join(dir.path, 'out'))).toEqual([]);
  });
});
