/**
 * The foundation, end to end: `bin/tsbuild` as a subprocess builds a fixture against a real
 * registry, pushes it, and independent tools (skopeo, umoci) check what arrived.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { lstatSync, readFileSync, readlinkSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { pushBusybox } from '../helpers/busybox-image.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';
import { runTsbuild } from '../helpers/run-tsbuild.js';

const FIXTURES = resolve(import.meta.dirname, '../../fixtures/e2e');

let registry: TestRegistry;
let work: TempDir;
let base: string;

beforeAll(async () => {
  registry = await startRegistry();
  work = await tempDir();
  await pushBusybox(registry.host, work.path);
  base = `${registry.host}/base/busybox:latest`;
});
afterAll(async () => {
  await registry?.stop();
  await work?.[Symbol.asyncDispose]();
});

function skopeo(...args: string[]): string {
  return execFileSync('skopeo', args, { encoding: 'utf8' });
}

/** Copies the pushed image to an OCI layout and unpacks it with umoci; returns the rootfs. */
function unpack(ref: string, dir: string): string {
  skopeo('copy', '--src-tls-verify=false', `docker://${ref}`, `oci:${dir}/layout:img`);
  execFileSync('umoci', ['unpack', '--image', `${dir}/layout:img`, `${dir}/bundle`], { stdio: 'pipe' });
  return join(dir, 'bundle/rootfs');
}

describe('tsbuild builds and pushes (e2e)', () => {
  it('builds the basic fixture, pushes it, and skopeo and umoci agree with the Dockerfile', async () => {
    const dest = `${registry.host}/e2e/basic:1`;
    const digestFile = join(work.path, 'digest');
    const run = await runTsbuild([
      '--context', join(FIXTURES, 'basic'),
      '--destination', dest,
      '--build-arg', `BASE=${base}`,
      '--digest-file', digestFile,
      '--image-name-with-digest-file', `${digestFile}.name`,
      '--image-name-tag-with-digest-file', `${digestFile}.tag`,
    ]);
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    const digest = readFileSync(digestFile, 'utf8');
    expect(digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(readFileSync(`${digestFile}.name`, 'utf8')).toBe(`${registry.host}/e2e/basic@${digest}\n`);
    expect(readFileSync(`${digestFile}.tag`, 'utf8')).toBe(`${registry.host}/e2e/basic:1@${digest}\n`);

    const inspect = JSON.parse(skopeo('inspect', '--tls-verify=false', `docker://${dest}`)) as { Digest: string; Layers: string[] };
    expect(inspect.Digest).toBe(digest);
    const config = JSON.parse(skopeo('inspect', '--config', '--tls-verify=false', `docker://${dest}`)) as {
      config: { Env: string[]; Cmd: string[]; WorkingDir: string; User: string; ExposedPorts: object; Labels: object };
      rootfs: { diff_ids: string[] };
      history: { empty_layer?: boolean }[];
    };
    expect(config.config.Env).toEqual(['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'GREETING=hello world', 'APP_HOME=/app']);
    expect(config.config.Cmd).toEqual(['cat', '/app/greeting.txt']);
    expect(config.config.WorkingDir).toBe('/app');
    expect(config.config.User).toBe('app');
    expect(config.config.ExposedPorts).toEqual({ '8080/tcp': {}, '53/udp': {} });
    expect(config.config.Labels).toEqual({ 'org.example.stage': 'e2e' });
    // base layer + WORKDIR (creates /app) + 2 COPY + 3 RUN
    expect(inspect.Layers).toHaveLength(7);
    expect(config.rootfs.diff_ids).toHaveLength(7);
    expect(config.history.filter((h) => !h.empty_layer)).toHaveLength(7);

    await using out = await tempDir();
    const rootfs = unpack(dest, out.path);
    const read = (p: string) => readFileSync(join(rootfs, p), 'utf8');
    const stat = (p: string) => lstatSync(join(rootfs, p));
    expect(read('app/greeting.txt')).toBe('hello world\n');
    expect(read('app/app.txt')).toBe('from the context\n');
    expect(stat('app/app.txt').uid).toBe(0);
    expect(read('app/data/one.txt')).toBe('one\n');
    expect(stat('app/data/sub/run.sh').mode & 0o7777).toBe(0o755);
    expect(existsSync(join(rootfs, 'app/data/ignored.txt'))).toBe(false);
    expect(read('app/pwd.txt')).toBe('/app\n');
    expect(read('base/change.txt')).toBe('changed\n');
    expect(read('base/keep.txt')).toBe('keep\n');
    expect(existsSync(join(rootfs, 'base/remove.txt'))).toBe(false);
    expect(existsSync(join(rootfs, 'base/remove-dir'))).toBe(false);
    expect(stat('app/run').mode & 0o7777).toBe(0o750);
    expect([stat('app/run').uid, stat('app/run').gid]).toEqual([1000, 1000]);
    expect(readlinkSync(join(rootfs, 'app/link'))).toBe('/app/greeting.txt');
    expect(read('tmp/uid.txt')).toBe('1000\n');
    expect(read('tmp/groups.txt')).toBe('1000 10 29\n');
    expect(read('tmp/home.txt')).toBe('/home/app\n');
    expect(stat('tmp/uid.txt').uid).toBe(1000);
  });

  it('fails with the line and the exit status when a RUN fails', async () => {
    const run = await runTsbuild([
      '--context', join(FIXTURES, 'run-fails'),
      '--no-push',
      '--build-arg', `BASE=${base}`,
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Dockerfile:4/);
    expect(run.stderr).toMatch(/exit(ed)? (code|status) 42|status 42/);
    expect(run.stdout).toContain('before');
    expect(run.stdout).not.toContain('never');
  });

  it('writes a tarball and an OCI layout without pushing', async () => {
    await using out = await tempDir();
    const tar = join(out.path, 'image.tar');
    const layout = join(out.path, 'layout');
    const run = await runTsbuild([
      '--context', join(FIXTURES, 'basic'),
      '--no-push',
      '--destination', `${registry.host}/e2e/not-pushed:1`,
      '--build-arg', `BASE=${base}`,
      '--tar-path', tar,
      '--oci-layout-path', layout,
    ]);
    expect(run.code).toBe(0);
    const fromTar = JSON.parse(skopeo('inspect', `docker-archive:${tar}`)) as { Layers: string[] };
    expect(fromTar.Layers).toHaveLength(7);
    // A docker archive is keyed by diffIDs; the layout's config must list the same ones.
    const layoutConfig = JSON.parse(skopeo('inspect', '--config', `oci:${layout}`)) as { rootfs: { diff_ids: string[] } };
    expect(layoutConfig.rootfs.diff_ids).toEqual(fromTar.Layers);
    expect(() => skopeo('inspect', '--tls-verify=false', `docker://${registry.host}/e2e/not-pushed:1`)).toThrow();
  });

  it('gives the same digest twice with --reproducible', async () => {
    const digests: string[] = [];
    for (const tag of ['r1', 'r2']) {
      const file = join(work.path, `digest-${tag}`);
      const run = await runTsbuild([
        '--context', join(FIXTURES, 'basic'),
        '--destination', `${registry.host}/e2e/repro:${tag}`,
        '--build-arg', `BASE=${base}`,
        '--reproducible',
        '--digest-file', file,
      ]);
      expect(run.code).toBe(0);
      digests.push(readFileSync(file, 'utf8'));
    }
    expect(digests[0]).toBe(digests[1]);
  });

  it('exits 2 with one line on a usage error', async () => {
    const run = await runTsbuild(['--context', FIXTURES, '--no-such-flag']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')[0]).toMatch(/unknown option '--no-such-flag'/);
  });
});
