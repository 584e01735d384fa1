/**
 * COPY/ADD `--link` through bin/tsbuild: the same files as a plain copy, but (as Docker documents
 * for BuildKit) a symlink among the destination's existing parents is not followed: the path
 * becomes real directories, created 0755 root-owned, replacing what the base had there; each
 * --link layer holds only the copied files and the directories leading to them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { lstatSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { E2eHarness } from '../build/e2e-harness.js';

let h: E2eHarness;
beforeAll(async () => {
  h = await E2eHarness.start();
});
afterAll(async () => {
  await h?.stop();
});

const DOCKERFILE = `ARG BASE
FROM \${BASE}
RUN mkdir -p /real /real2 && ln -s /real /linked && ln -s /real2 /linked2 && mkdir -m 0700 /private && chown 1000:1000 /private
COPY a.txt /linked/plain.txt
COPY --link a.txt /linked2/a.txt
COPY --link --chmod=0600 a.txt /private/a.txt
COPY --link --chown=1000:1001 dir/ /made/deep/
ADD --link archive.tar /extracted/
`;

/** The entry names of each layer of the pushed image, in order. */
function layerListings(rootfs: string): string[][] {
  const layout = join(rootfs, '../../layout');
  const blob = (digest: string) => join(layout, 'blobs', ...digest.split(':'));
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
  const manifest = JSON.parse(readFileSync(blob(index.manifests[0]?.digest ?? ''), 'utf8')) as { layers: { digest: string }[] };
  return manifest.layers.map((l) => execFileSync('tar', ['-tzf', blob(l.digest)], { encoding: 'utf8' }).split('\n').filter(Boolean).sort());
}

describe('COPY/ADD --link (e2e)', () => {
  it('does not follow symlinks in the destination, creates 0755 root parents, and layers only the copy', async () => {
    const { run, rootfs } = await h.build({ Dockerfile: DOCKERFILE, 'a.txt': 'a\n', 'dir/f.txt': 'f\n', 'dir/sub/g.txt': 'g\n' }, [], (ctx) => {
      writeFileSync(join(ctx, 'inner.txt'), 'inner\n');
      execFileSync('tar', ['-C', ctx, '-cf', join(ctx, 'archive.tar'), 'inner.txt']);
    });
    expect(run.code, run.stderr).toBe(0);
    const at = (p: string) => join(rootfs, p);
    const st = (p: string) => lstatSync(at(p));
    // Without --link the copy follows /linked into /real.
    expect(readlinkSync(at('linked'))).toBe('/real');
    expect(readFileSync(at('real/plain.txt'), 'utf8')).toBe('a\n');
    // With --link /linked2 is a real directory now, and /real2 was left alone.
    expect(st('linked2').isDirectory()).toBe(true);
    expect(readFileSync(at('linked2/a.txt'), 'utf8')).toBe('a\n');
    expect(st('real2').isDirectory()).toBe(true);
    expect(() => st('real2/a.txt')).toThrow();
    // The parent the link layer carries is 0755 root, whatever the base had.
    expect(st('private').mode & 0o7777).toBe(0o755);
    expect([st('private').uid, st('private').gid]).toEqual([0, 0]);
    expect(st('private/a.txt').mode & 0o7777).toBe(0o600);
    expect(readFileSync(at('made/deep/sub/g.txt'), 'utf8')).toBe('g\n');
    expect([st('made/deep/sub/g.txt').uid, st('made/deep/sub/g.txt').gid]).toEqual([1000, 1001]);
    expect(readFileSync(at('extracted/inner.txt'), 'utf8')).toBe('inner\n');
    const layers = layerListings(rootfs).slice(-4);
    expect(layers).toEqual([
      ['linked2/', 'linked2/a.txt'],
      ['private/', 'private/a.txt'],
      ['made/', 'made/deep/', 'made/deep/f.txt', 'made/deep/sub/', 'made/deep/sub/g.txt'],
      ['extracted/', 'extracted/inner.txt'],
    ]);
  });
});
