/**
 * A kaniko Jenkinsfile's command line, unchanged, through the real bin/tsbuild against a real
 * registry: every kaniko-only flag is accepted in kaniko's syntax and says once, at info, what
 * tsbuild does instead; deprecated names warn as kaniko warns; `--log-timestamp` dates every
 * line; the image is pushed; the unused stage (whose RUN would fail) is skipped;
 * `--compression-level` reaches the layer writer (level 0 stores, level 1 compresses).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { E2eHarness } from '../build/e2e-harness.js';
import { runTsbuild } from '../helpers/run-tsbuild.js';
import { unpackLayout } from '../helpers/unpack-image.js';

const MIB = 1 << 20;
const DOCKERFILE = [
  'ARG BASE',
  'FROM ${BASE} AS unused',
  'RUN exit 3',
  'FROM ${BASE}',
  'ARG V',
  'RUN echo "v=$V" > /v.txt && head -c 1048576 /dev/zero > /zeros',
  '',
].join('\n');

let h: E2eHarness;
let context: string;

beforeAll(async () => {
  h = await E2eHarness.start();
  context = join(h.work.path, 'app');
  mkdirSync(context);
  writeFileSync(join(context, 'Dockerfile'), DOCKERFILE);
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

interface Manifest {
  layers: { size: number }[];
}

async function pushedManifest(ref: string): Promise<Manifest> {
  const [, path] = /^[^/]+\/(.+):[^:]+$/.exec(ref)!;
  const tag = ref.slice(ref.lastIndexOf(':') + 1);
  const accept = 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json';
  return (await (await fetch(`${h.registry.url}/v2/${path}/manifests/${tag}`, { headers: { accept } })).json()) as Manifest;
}

/** The kaniko-only flags of the command line below, each of which must say what tsbuild does. */
const NOTED = ['snapshot-mode=redo', 'use-new-run', 'compressed-caching', 'skip-unused-stages', 'ignore-var-run=false', 'force', 'materialize', 'preserve-context', 'force-build-metadata'];

describe('a kaniko Jenkinsfile command line (e2e)', () => {
  it('builds and pushes, and says once per kaniko-only flag what tsbuild does instead', async () => {
    const dest = `${h.registry.host}/jenkins/app:42`;
    const layout = join(h.work.path, 'jenkins-layout');
    // As found in Jenkinsfiles: `/kaniko/executor --context `pwd` … ` with kaniko's own spellings.
    const run = await runTsbuild([
      `--context=dir://${context}`, `--dockerfile=${join(context, 'Dockerfile')}`, `--destination=${dest}`,
      '--snapshot-mode=redo', '--use-new-run', '--compressed-caching=false', '--skip-unused-stages', '--log-timestamp',
      '--cache=true', `--cache-repo=${h.registry.host}/jenkins/cache`, '--cache-ttl=24h', '--cache-copy-layers=true', '--cache-run-layers=true',
      '--whitelist-var-run=false', '--force', '--materialize=true', '--preserve-context', '--force-build-metadata=true', '--cleanup',
      '--push-retry=2', '--image-download-retry=2', '--image-fs-extract-retry=2', '--compression=gzip', '--compression-level=1',
      '--customPlatform=linux/amd64', '--verbosity=info', '--insecure', '--skip-tls-verify', '--skip-tls-verify-pull',
      '--build-arg', `BASE=${h.base}`, '--build-arg=V=42', '--label', 'ci=jenkins', '--oci-layout-path', layout,
    ], { TSBUILD_WORK_DIR: join(h.work.path, 'kaniko') });
    expect(run.stderr).not.toMatch(/ERROR/);
    expect(run.code, run.stderr).toBe(0);

    for (const flag of NOTED) {
      const lines = run.stderr.split('\n').filter((l) => l.includes(`INFO: --${flag} has no effect`) || l.includes(`INFO: --${flag}=`));
      expect(lines, flag).toHaveLength(1);
    }
    expect(run.stderr).toMatch(/WARN: Flag --customPlatform is deprecated\. Use: --custom-platform/);
    expect(run.stderr).toMatch(/WARN: Flag --whitelist-var-run has been deprecated, Please use ignore-var-run instead\./);
    // --log-timestamp: every log line starts with the full UTC date and time.
    const logLines = run.stderr.split('\n').filter((l) => /^\[/.test(l));
    expect(logLines.length).toBeGreaterThan(5);
    for (const line of logLines) expect(line).toMatch(/^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\] (INFO|WARN)/);

    // Pushed, and the unused stage never ran (its RUN exits 3).
    const inspect = JSON.parse(execFileSync('skopeo', ['inspect', '--tls-verify=false', `docker://${dest}`], { encoding: 'utf8' })) as { Labels: Record<string, string> };
    expect(inspect.Labels).toMatchObject({ ci: 'jenkins' });
    expect(run.stderr).not.toContain('exit 3');
    const image = await unpackLayout(layout, join(h.work.path, 'jenkins-unpacked'));
    expect(readFileSync(join(image.rootfs, 'v.txt'), 'utf8')).toBe('v=42\n');
    // --compression-level=1 compressed the MiB of zeros.
    expect((await pushedManifest(dest)).layers.at(-1)!.size).toBeLessThan(64 * 1024);
  });

  it('stores layers uncompressed with --compression-level=0', async () => {
    const dest = `${h.registry.host}/jenkins/app:stored`;
    const run = await runTsbuild([`--context=${context}`, `--destination=${dest}`, '--build-arg', `BASE=${h.base}`, '--compression-level=0']);
    expect(run.code).toBe(0);
    expect((await pushedManifest(dest)).layers.at(-1)!.size).toBeGreaterThan(MIB);
  });

  it('logs without dates unless --log-timestamp is given', async () => {
    const run = await runTsbuild([`--context=${context}`, '--no-push', '--build-arg', `BASE=${h.base}`, '--skip-unused-stages=false']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^\[\d\d:\d\d:\d\d\] INFO/m);
    expect(run.stderr).toMatch(/INFO: --skip-unused-stages=false has no effect: tsbuild still skips the stages the target does not need/);
  });
});
