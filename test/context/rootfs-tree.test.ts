/**
 * COPY --from sources in a rootfs: the context's matching rules (wildcards, trailing `/`), with
 * symlinks resolved as a chroot sees them (absolute targets restart at the rootfs, `..` stops at
 * its top) and no .dockerignore.
 */
import { describe, expect, it } from 'vitest';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveCopySources, rootfsTree } from '../../src/context/index.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('rootfs source trees', () => {
  it('follows symlinks inside the rootfs, never out of it', async () => {
    await using root = await tempDir({ 'etc/passwd': 'inside\n', 'out/a.txt': 'a', 'out/b.log': 'b', '.dockerignore': 'out\n' });
    symlinkSync('/etc/passwd', join(root.path, 'out/abs'));
    symlinkSync('../../../../../etc/passwd', join(root.path, 'out/climb'));
    symlinkSync('/etc', join(root.path, 'etc-link'));
    const tree = await rootfsTree(root.path, 'stage build');
    const [abs] = await resolveCopySources(tree, ['/out/abs']);
    expect(abs?.hostPath).toBe(join(tree.dir, 'etc/passwd'));
    const [climb] = await resolveCopySources(tree, ['out/climb']);
    expect(climb?.hostPath).toBe(join(tree.dir, 'etc/passwd'));
    const [viaDir] = await resolveCopySources(tree, ['/etc-link/passwd']);
    expect(viaDir?.hostPath).toBe(join(tree.dir, 'etc/passwd'));
    expect((await resolveCopySources(tree, ['/../../out/*.txt'])).map((s) => s.name)).toEqual(['out/a.txt']);
  });

  it('names the stage when a source is missing', async () => {
    await using root = await tempDir({ 'x': 'x' });
    writeFileSync(join(root.path, 'y'), 'y');
    const tree = await rootfsTree(root.path, 'stage build');
    await expect(resolveCopySources(tree, ['/nope'])).rejects.toThrow(/not found in stage build/);
    expect(await resolveCopySources(tree, ['/no*'])).toEqual([]);
  });
});
