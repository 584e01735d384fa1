/**
 * kaniko's registry flags through the real command line: the push-permission check stops a
 * build before its first step, --registry-map pulls the base from a mirror, and
 * --registry-certificate trusts a private CA.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { pushBusybox } from '../helpers/busybox-image.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';
import { runTsbuild } from '../helpers/run-tsbuild.js';

const FIXTURE = resolve(import.meta.dirname, '../../fixtures/e2e/basic');

let plain: TestRegistry;
let secured: TestRegistry;
let work: TempDir;

beforeAll(async () => {
  [plain, secured] = await Promise.all([startRegistry(), startRegistry({ tls: true, users: { builder: 'right' } })]);
  work = await tempDir();
  await pushBusybox(plain.host, work.path);
});
afterAll(async () => {
  await Promise.all([plain?.stop(), secured?.stop()]);
  await work?.[Symbol.asyncDispose]();
});

function dockerConfig(name: string, password: string): string {
  const dir = join(work.path, name);
  mkdirSync(dir, { recursive: true });
  const auth = Buffer.from(`builder:${password}`).toString('base64');
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { [secured.host]: { auth } } }));
  return dir;
}

describe('registry flags (e2e)', () => {
  it('refuses to start building when a destination rejects the credentials', async () => {
    const run = await runTsbuild(
      ['-c', FIXTURE, '-d', `${secured.host}/e2e/app:1`, '--build-arg', `BASE=${plain.host}/base/busybox:latest`,
        '--registry-certificate', `${secured.host}=${secured.certPath}`],
      { DOCKER_CONFIG: dockerConfig('bad-credentials', 'hunter2-not-the-password') },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/TSB_REGISTRY_AUTH/);
    expect(run.stderr).toContain('config.json');
    expect(run.stderr).not.toContain('hunter2');
    expect(run.stderr).not.toMatch(/step 1\//);
  });

  it('pushes to a TLS registry trusted with --registry-certificate, with credentials from DOCKER_CONFIG', async () => {
    const run = await runTsbuild(
      ['-c', FIXTURE, '-d', `${secured.host}/e2e/app:1`, '--build-arg', `BASE=${plain.host}/base/busybox:latest`,
        '--registry-certificate', `${secured.host}=${secured.certPath}`],
      { DOCKER_CONFIG: dockerConfig('right', 'right') },
    );
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
  });

  it('pulls the base through --registry-map when the original registry does not answer', async () => {
    const run = await runTsbuild([
      '-c', FIXTURE, '--no-push', '--build-arg', 'BASE=unreachable.invalid/base/busybox:latest',
      '--registry-map', `unreachable.invalid=${plain.host}`, '--skip-default-registry-fallback',
    ]);
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
  });

  it('fails at the FROM line when neither mirror nor original has the base', async () => {
    const run = await runTsbuild([
      '-c', FIXTURE, '--no-push', '--build-arg', `BASE=${plain.host}/base/missing:latest`,
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Dockerfile:3: FROM/);
    expect(run.stderr).toMatch(/MANIFEST_UNKNOWN|not found/i);
  });
});
