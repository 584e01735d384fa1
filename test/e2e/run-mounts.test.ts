/**
 * RUN --mount=type=tmpfs|bind|cache through bin/tsbuild and a real registry, checked in the
 * pushed image and on disk: mounts are seen by the command and never by a layer; a context bind
 * is the context as sent (.dockerignore applies), read-only unless `rw`, whose writes are thrown
 * away; a bind from a stage; a cache directory outlives the build and is never in a layer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { E2eHarness } from '../build/e2e-harness.js';

let h: E2eHarness;
beforeAll(async () => {
  h = await E2eHarness.start();
});
afterAll(async () => h?.stop());

/** The layer tars of the pushed image (the gzip blobs of its layout), uncompressed. */
function layerTars(rootfs: string): Buffer[] {
  const dir = join(rootfs, '../../layout/blobs/sha256');
  const data = readdirSync(dir).map((name) => readFileSync(join(dir, name)));
  return data.filter((d) => d[0] === 0x1f && d[1] === 0x8b).map((d) => gunzipSync(d));
}

const BINDS = [
  'ARG BASE',
  'FROM ${BASE} AS src',
  'RUN echo made-in-stage > /made',
  'FROM ${BASE}',
  'RUN --mount=type=tmpfs,target=/scratch,size=1m echo x > /scratch/f && grep " /scratch " /proc/mounts | cut -d" " -f3 > /tmpfs-type && cat /scratch/f >> /tmpfs-type',
  'RUN --mount=type=bind,target=/ctx cat /ctx/data.txt > /from-ctx && ls /ctx > /ctx-list && (touch /ctx/new 2>/dev/null && echo writable || echo read-only) > /ctx-ro',
  'WORKDIR /w',
  'RUN --mount=type=bind,source=sub,target=rel cat /w/rel/inner.txt > /from-rel',
  'RUN --mount=type=bind,target=/ctx,rw echo changed > /ctx/data.txt && echo new > /ctx/added && cat /ctx/data.txt > /rw-saw',
  'RUN --mount=type=bind,target=/ctx cat /ctx/data.txt > /after-rw && (test -e /ctx/added && echo kept || echo discarded) >> /after-rw',
  'RUN --mount=type=bind,from=src,source=/made,target=/m cat /m > /from-stage',
  'RUN --mount=type=bind,source=../../..,target=/top ls /top > /top-list',
  '',
].join('\n');

describe('RUN --mount=type=tmpfs and type=bind (e2e)', () => {
  it('mounts for the command only, the context as sent, rw writes discarded', async () => {
    const tree = { Dockerfile: BINDS, 'data.txt': 'original\n', 'sub/inner.txt': 'inner\n', 'ignored.txt': 'hidden\n', '.dockerignore': 'ignored.txt\n' };
    const { run, rootfs } = await h.build(tree);
    expect(run.code, run.stderr).toBe(0);
    const read = (p: string) => readFileSync(join(rootfs, p), 'utf8');
    expect(read('tmpfs-type')).toBe('tmpfs\nx\n');
    expect(read('from-ctx')).toBe('original\n');
    expect(read('ctx-list').split('\n')).not.toContain('ignored.txt');
    expect(read('ctx-list').split('\n')).toContain('data.txt');
    expect(read('ctx-ro')).toBe('read-only\n');
    expect(read('from-rel')).toBe('inner\n');
    expect(read('rw-saw')).toBe('changed\n');
    expect(read('after-rw')).toBe('original\ndiscarded\n');
    expect(read('from-stage')).toBe('made-in-stage\n');
    // `..` stops at the context's top, as in a chroot.
    expect(read('top-list').split('\n')).toContain('data.txt');
    for (const p of ['scratch', 'ctx', 'm', 'top', 'w/rel']) expect(existsSync(join(rootfs, p)), p).toBe(false);
    // The context on disk is untouched by the rw bind.
    const ctx = join(h.work.path, 'context-1');
    expect(readFileSync(join(ctx, 'data.txt'), 'utf8')).toBe('original\n');
    expect(existsSync(join(ctx, 'added'))).toBe(false);
    expect(existsSync(join(ctx, 'new'))).toBe(false);
  });

  it('fails at the line of a bind whose source does not exist', async () => {
    const { run } = await h.build({ Dockerfile: 'ARG BASE\nFROM ${BASE}\nRUN --mount=type=bind,source=nope,target=/x true\n' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Dockerfile:3/);
    expect(run.stderr).toMatch(/nope not found in the build context/);
  });
});

const CACHE = [
  'ARG BASE',
  'FROM ${BASE}',
  'ARG ROUND',
  'RUN --mount=type=cache,target=/var/cache/app echo "cache-marker-$ROUND" >> /var/cache/app/log && cat /var/cache/app/log > /seen',
  'RUN --mount=type=cache,target=/owned,id=owned,uid=1000,gid=10,mode=0700,sharing=locked stat -c "%u %g %a" /owned > /owned-stat',
  'RUN --mount=type=cache,target=/p,id=priv,sharing=private touch /p/x && ls /p > /p-list',
  '',
].join('\n');

describe('RUN --mount=type=cache (e2e)', () => {
  it('persists across builds under --cache-dir and never reaches a layer', async () => {
    const cacheDir = join(h.work.path, 'mount-cache');
    const first = await h.build({ Dockerfile: CACHE }, ['--cache-dir', cacheDir, '--build-arg', 'ROUND=1']);
    expect(first.run.code, first.run.stderr).toBe(0);
    expect(readFileSync(join(first.rootfs, 'seen'), 'utf8')).toBe('cache-marker-1\n');
    const second = await h.build({ Dockerfile: CACHE }, ['--cache-dir', cacheDir, '--build-arg', 'ROUND=2']);
    expect(second.run.code, second.run.stderr).toBe(0);
    expect(readFileSync(join(second.rootfs, 'seen'), 'utf8')).toBe('cache-marker-1\ncache-marker-2\n');
    expect(readFileSync(join(second.rootfs, 'owned-stat'), 'utf8')).toBe('1000 10 700\n');
    expect(readFileSync(join(second.rootfs, 'p-list'), 'utf8')).toBe('x\n');
    const onHost = join(cacheDir, 'run-mounts', encodeURIComponent('/var/cache/app'), 'log');
    expect(readFileSync(onHost, 'utf8')).toBe('cache-marker-1\ncache-marker-2\n');
    expect(statSync(join(cacheDir, 'run-mounts', 'owned')).mode & 0o777).toBe(0o700);
    for (const built of [first, second]) {
      for (const p of ['var/cache/app', 'owned', 'p']) expect(existsSync(join(built.rootfs, p)), p).toBe(false);
      // No layer has an entry of the cache directories (the command's own /seen is a layer file).
      const tars = layerTars(built.rootfs);
      expect(tars.length).toBeGreaterThan(1);
      expect(tars.filter((t) => t.includes('var/cache/app/') || t.includes('owned/') || t.includes('p/x'))).toHaveLength(0);
      expect(tars.filter((t) => t.includes('seen\0'))).toHaveLength(1);
    }
  });

  it('keeps caches beside the work dirs without --cache-dir', async () => {
    const base = join(h.work.path, 'kaniko');
    const df = 'ARG BASE\nFROM ${BASE}\nRUN --mount=type=cache,target=/c,id=beside echo run >> /c/n && wc -l < /c/n > /count\n';
    const first = await h.build({ Dockerfile: df }, ['--kaniko-dir', base]);
    expect(first.run.code, first.run.stderr).toBe(0);
    const second = await h.build({ Dockerfile: df }, ['--kaniko-dir', base]);
    expect(readFileSync(join(second.rootfs, 'count'), 'utf8').trim()).toBe('2');
    expect(readFileSync(join(base, 'tsbuild-run-mounts', 'beside', 'n'), 'utf8')).toBe('run\nrun\n');
  });
});
