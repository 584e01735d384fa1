/**
 * The OCI layout source (src/image/layout-image.ts, new with the cache): reads what our sink
 * wrote and what skopeo wrote, verified blob by blob; an unknown name or directory is undefined.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { writeOciLayout } from '../../src/image/index.js';
import { layoutImage } from '../../src/image/layout-image.js';
import { randomImage } from '../helpers/random-image.js';
import { tempDir } from '../helpers/temp-dir.js';
import { validateImage } from '../helpers/validate-image.js';

const run = promisify(execFile);

describe('layoutImage', () => {
  it('reads back what writeOciLayout wrote, and what skopeo copied, with the same digest', async () => {
    await using dir = await tempDir();
    const img = await randomImage({ dir: dir.path, layers: 2 });
    await writeOciLayout(img, join(dir.path, 'ours'), 'v1');
    const ours = await layoutImage(join(dir.path, 'ours'), 'v1');
    expect(await ours?.digest()).toBe(await img.digest());
    await validateImage(ours!);

    await run('skopeo', ['copy', '--preserve-digests', `oci:${join(dir.path, 'ours')}:v1`, `oci:${join(dir.path, 'theirs')}:copied`]);
    const theirs = await layoutImage(join(dir.path, 'theirs'), 'copied');
    expect(await theirs?.digest()).toBe(await img.digest());
    await validateImage(theirs!);
  });

  it('is undefined for an unknown name or a directory without a layout', async () => {
    await using dir = await tempDir();
    await writeOciLayout(await randomImage({ dir: dir.path, layers: 1 }), join(dir.path, 'layout'), 'v1');
    expect(await layoutImage(join(dir.path, 'layout'), 'v2')).toBeUndefined();
    expect(await layoutImage(join(dir.path, 'nothing'), 'v1')).toBeUndefined();
  });
});
