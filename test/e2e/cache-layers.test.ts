/**
 * The layer cache end to end, against a real registry: `bin/tsbuild --cache` builds a multi-stage
 * fixture whose every RUN reports to an HTTP counter in this process, so each build shows which
 * steps ran and which came from the cache. Cold: all miss; unchanged: nothing runs; a changed
 * COPY source re-runs only that step and the ones after it; an unrelated build-arg and a new
 * label change nothing; a new base for the builder stage re-runs what depends on it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { pushBusybox } from '../helpers/busybox-image.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';
import { runTsbuild } from '../helpers/run-tsbuild.js';

/** An HTTP server that records the path of every request: RUN steps report to it with wget. */
interface Counter {
  readonly url: string;
  paths(): string[];
  reset(): void;
  close(): Promise<void>;
}

async function startCounter(): Promise<Counter> {
  let seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(req.url ?? '');
    res.end('ok\n');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    paths: () => [...seen],
    reset: () => void (seen = []),
    close: () => new Promise((done) => server.close(() => done())),
  };
}

const FIXTURE = resolve(import.meta.dirname, '../../fixtures/e2e/cache-multistage');

let work: TempDir;
let counter: Counter;

beforeAll(async () => {
  work = await tempDir();
  counter = await startCounter();
});
afterAll(async () => {
  await counter?.close();
  await work?.[Symbol.asyncDispose]();
});

describe('layer cache in a local OCI layout, no registry at all (e2e)', () => {
  it('misses cold and hits warm, and the image is the same', async () => {
    const context = join(work.path, 'layout-ctx');
    cpSync(resolve(FIXTURE, '../cache-layout'), context, { recursive: true });
    copyFileSync('/bin/busybox', join(context, 'busybox'));
    const cache = join(work.path, 'layout-cache');
    const build = async (name: string) => {
      counter.reset();
      const out = join(work.path, `layout-out-${name}`);
      const run = await runTsbuild([
        '--context', context, '--no-push', '--reproducible', '--cache', '--cache-repo', `oci:${cache}`,
        '--build-arg', `COUNTER=${counter.url}`, '--oci-layout-path', out, '--digest-file', `${out}.digest`,
      ]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).not.toMatch(/cache write failed|cache lookup failed/);
      return { ran: counter.paths(), digest: readFileSync(`${out}.digest`, 'utf8'), log: run.stderr };
    };
    const cold = await build('cold');
    expect(cold.ran).toEqual(['/run']);
    expect(cold.log).toMatch(/cache: 0 of 2 steps found/);
    const warm = await build('warm');
    expect(warm.ran).toEqual([]);
    expect(warm.log).toMatch(/cache: 2 of 2 steps found/);
    expect(warm.digest).toBe(cold.digest);
  }, 60_000);
});

describe('layer cache in a registry (e2e)', () => {
  let registry: TestRegistry;
  let base: string;
  let otherBase: string;
  let context: string;

  beforeAll(async () => {
    registry = await startRegistry();
    await pushBusybox(registry.host, work.path);
    base = `${registry.host}/base/busybox:latest`;
    // A second base with another digest, built by tsbuild itself.
    const otherCtx = join(work.path, 'other');
    cpSync(FIXTURE, otherCtx, { recursive: true });
    writeFileSync(join(otherCtx, 'Dockerfile'), `FROM ${base}\nRUN echo other > /etc/builder-marker\n`);
    otherBase = `${registry.host}/base/other:latest`;
    const made = await runTsbuild(['--context', otherCtx, '--destination', otherBase]);
    expect(made.code, made.stderr).toBe(0);
    context = join(work.path, 'ctx');
    cpSync(FIXTURE, context, { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await registry?.stop();
  });

  interface Built {
    readonly ran: string[];
    readonly digest: string;
    readonly log: string;
  }

  async function build(tag: string, extra: readonly string[] = [], cacheRepo = `${registry.host}/e2e/cache-app/cache`): Promise<Built> {
    counter.reset();
    const digestFile = join(work.path, `digest-${tag}`);
    const run = await runTsbuild([
      '--context', context,
      '--destination', `${registry.host}/e2e/cache-app:${tag}`,
      '--cache', '--cache-repo', cacheRepo,
      '--build-arg', `BASE=${base}`,
      '--build-arg', `COUNTER=${counter.url}`,
      '--digest-file', digestFile,
      ...extra,
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/cache write failed|cache lookup failed/);
    return { ran: counter.paths(), digest: readFileSync(digestFile, 'utf8'), log: run.stderr };
  }

  function inspect(tag: string): { Layers: string[] } {
    return JSON.parse(execFileSync('skopeo', ['inspect', '--tls-verify=false', `docker://${registry.host}/e2e/cache-app:${tag}`], { encoding: 'utf8' })) as { Layers: string[] };
  }

  it('misses everything cold, then hits everything and runs nothing when unchanged', async () => {
    const cold = await build('cold');
    expect(cold.ran.sort()).toEqual(['/after-a', '/after-b', '/builder', '/final']);
    expect(cold.log).toMatch(/cache: 0 of 8 steps found/);
    const warm = await build('warm');
    expect(warm.ran).toEqual([]);
    expect(warm.log).toMatch(/cache: 8 of 8 steps found/);
    // A stage of hits never downloads or extracts its base.
    expect(warm.log).not.toMatch(/base image extracted/);
    expect(inspect('warm').Layers).toEqual(inspect('cold').Layers);
  }, 120_000);

  it('still hits everything with an unrelated --build-arg and with a new --label', async () => {
    const arg = await build('arg', ['--build-arg', 'GIT_SHA=0123abc']);
    expect(arg.ran).toEqual([]);
    const label = await build('label', ['--label', 'org.example.commit=0123abc']);
    expect(label.ran).toEqual([]);
    expect(inspect('label').Layers).toEqual(inspect('cold').Layers);
  }, 120_000);

  it('re-runs only the changed COPY and what follows it', async () => {
    writeFileSync(join(context, 'b.txt'), 'b two\n');
    const changed = await build('changed-b');
    expect(changed.ran.sort()).toEqual(['/after-b', '/final']);
    const layers = inspect('changed-b').Layers;
    const cold = inspect('cold').Layers;
    // base, WORKDIR, COPY a, RUN: the same layers; COPY b onwards: new ones.
    expect(layers.slice(0, 4)).toEqual(cold.slice(0, 4));
    expect(layers.slice(4)).not.toEqual(cold.slice(4));
    // The RUNs that ran saw the files of the steps that hit (their layers applied first).
    const out = join(work.path, 'unpacked-b');
    mkdirSync(out);
    execFileSync('skopeo', ['copy', '--src-tls-verify=false', `docker://${registry.host}/e2e/cache-app:changed-b`, `oci:${out}/layout:img`]);
    execFileSync('umoci', ['unpack', '--image', `${out}/layout:img`, `${out}/bundle`], { stdio: 'pipe' });
    const rootfs = join(out, 'bundle/rootfs');
    expect(readFileSync(join(rootfs, 'app/listing'), 'utf8').split('\n')).toEqual(['a.txt', 'artifact', 'b.txt', 'copy-of-a', 'copy-of-b', 'listing', '']);
    expect(readFileSync(join(rootfs, 'app/copy-of-b'), 'utf8')).toBe('b two\n');
  }, 120_000);

  it('re-runs everything that depends on a stage whose base changed', async () => {
    const rebased = await build('rebased', ['--build-arg', `BUILDER_BASE=${otherBase}`]);
    expect(rebased.ran.sort()).toEqual(['/builder', '/final']);
  }, 120_000);

  it('gives the same manifest digest cold and warm with --reproducible', async () => {
    const repo = `${registry.host}/e2e/cache-repro/cache`;
    const cold = await build('repro-cold', ['--reproducible'], repo);
    expect(cold.ran.length).toBe(4);
    const warm = await build('repro-warm', ['--reproducible'], repo);
    expect(warm.ran).toEqual([]);
    expect(warm.digest).toBe(cold.digest);
    // And an uncached build makes the very same image.
    const digestFile = join(work.path, 'digest-uncached');
    const uncached = await runTsbuild([
      '--context', context, '--destination', `${registry.host}/e2e/cache-app:uncached`, '--reproducible',
      '--build-arg', `BASE=${base}`, '--build-arg', `COUNTER=${counter.url}`, '--digest-file', digestFile,
    ]);
    expect(uncached.code, uncached.stderr).toBe(0);
    expect(readFileSync(digestFile, 'utf8')).toBe(cold.digest);
  }, 120_000);

  it('builds anyway, with warnings, when the cache cannot be reached', async () => {
    counter.reset();
    const run = await runTsbuild([
      '--context', context, '--destination', `${registry.host}/e2e/cache-app:dead-cache`,
      '--cache', '--cache-repo', '127.0.0.1:9/nowhere/cache',
      '--build-arg', `BASE=${base}`, '--build-arg', `COUNTER=${counter.url}`,
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/cache lookup failed; treating it as a miss/);
    expect(run.stderr).toMatch(/cache write failed; the build goes on without it/);
    expect(counter.paths()).toHaveLength(4);
  }, 120_000);

  it('misses when what a RUN sees changes: a declared ARG, an ENV before it, the USER', async () => {
    const ctx = join(work.path, 'sees');
    mkdirSync(ctx);
    const variant = async (name: string, dockerfile: string, args: readonly string[] = []) => {
      writeFileSync(join(ctx, 'Dockerfile'), `ARG BASE\nFROM \${BASE}\nARG COUNTER\n${dockerfile}\nRUN wget -q -O /dev/null "$COUNTER/${name}"\n`);
      counter.reset();
      const run = await runTsbuild([
        '--context', ctx, '--no-push', '--cache', '--cache-repo', `${registry.host}/e2e/sees/cache`,
        '--build-arg', `BASE=${base}`, '--build-arg', `COUNTER=${counter.url}`, ...args,
      ]);
      expect(run.code, run.stderr).toBe(0);
      return counter.paths();
    };
    expect(await variant('run', 'ARG V\nENV X=1', ['--build-arg', 'V=1'])).toEqual(['/run']);
    expect(await variant('run', 'ARG V\nENV X=1', ['--build-arg', 'V=1'])).toEqual([]);
    expect(await variant('run', 'ARG V\nENV X=1', ['--build-arg', 'V=2'])).toEqual(['/run']);
    expect(await variant('run', 'ARG V\nENV X=2', ['--build-arg', 'V=1'])).toEqual(['/run']);
    expect(await variant('run', 'ARG V\nENV X=1\nUSER app', ['--build-arg', 'V=1'])).toEqual(['/run']);
    expect(await variant('run', 'ARG V\nENV X=1\nUSER app', ['--build-arg', 'V=1'])).toEqual([]);
  }, 120_000);
});
