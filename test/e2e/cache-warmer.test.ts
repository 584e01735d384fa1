/**
 * `tsbuild warmer` and `--cache-dir`, end to end: the warmer downloads a base image into a cache
 * dir; with the registry then gone, a build that names the base by digest, or by the tag the
 * warmer recorded, still succeeds from the cache dir alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { pushBusybox } from '../helpers/busybox-image.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';
import { runTsbuild } from '../helpers/run-tsbuild.js';

let registry: TestRegistry | undefined;
let work: TempDir;
let base: string;
let digest: string;

beforeAll(async () => {
  registry = await startRegistry();
  work = await tempDir();
  digest = await pushBusybox(registry.host, work.path);
  base = `${registry.host}/base/busybox:latest`;
  writeFileSync(join(work.path, 'Dockerfile'), 'ARG BASE\nFROM ${BASE}\nRUN cat /etc/passwd > /passwd-copy\n');
}, 60_000);
afterAll(async () => {
  await registry?.stop();
  await work?.[Symbol.asyncDispose]();
});

describe('tsbuild warmer and --cache-dir (e2e)', () => {
  it('warms a base image, then builds from the cache dir with no registry', async () => {
    const cacheDir = join(work.path, 'warm');
    const warmed = await runTsbuild(['warmer', '--dockerfile', join(work.path, 'Dockerfile'), '--build-arg', `BASE=${base}`, '--cache-dir', cacheDir]);
    expect(warmed.code, warmed.stderr).toBe(0);
    expect(warmed.stderr).toMatch(/1 warmed, 0 already present, 0 failed/);
    const again = await runTsbuild(['warmer', '-i', base, '--cache-dir', cacheDir]);
    expect(again.stderr).toMatch(/0 warmed, 1 already present, 0 failed/);

    const host = registry!.host;
    await registry!.stop();
    registry = undefined;
    for (const ref of [`${host}/base/busybox@${digest}`, `${host}/base/busybox:latest`]) {
      const out = join(work.path, `out-${ref.includes('@') ? 'digest' : 'tag'}`);
      const run = await runTsbuild([
        '--context', work.path, '--no-push', '--cache-dir', cacheDir, '--build-arg', `BASE=${ref}`, '--oci-layout-path', out, '--image-download-retry', '0',
      ]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toMatch(/base image from --cache-dir/);
      expect(JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')).manifests).toHaveLength(1);
    }
  }, 180_000);

  it('fails the warmer when no image can be warmed', async () => {
    const run = await runTsbuild(['warmer', '-i', '127.0.0.1:9/none/such:1', '--cache-dir', join(work.path, 'none')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/none of the images could be warmed/);
  }, 120_000);
});
