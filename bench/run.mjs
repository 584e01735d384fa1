#!/usr/bin/env node
// tsbuild benchmarks: each case is built by tsbuild and by a reference builder (buildah, chroot
// isolation, vfs storage) on this machine, against a local registry, and reported as a ratio.
// Timings are noisy on shared 2-core machines: each case runs `RUNS` times and the median counts.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, copyFileSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const TSBUILD = join(ROOT, 'bin/tsbuild');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const work = mkdtempSync(join(tmpdir(), 'tsbuild-bench-'));

const freePort = () =>
  new Promise((done) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => done(port));
    });
  });

async function startRegistry() {
  const port = await freePort();
  const dir = join(work, 'registry');
  mkdirSync(dir);
  writeFileSync(join(dir, 'config.yml'), `version: 0.1\nstorage: { filesystem: { rootdirectory: ${dir}/data } }\nhttp: { addr: 127.0.0.1:${port} }\nlog: { level: error }\n`);
  const child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/v2/`);
      return { host: `127.0.0.1:${port}`, stop: () => child.kill() };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error('docker-registry did not start');
}

function timed(cmd, args, opts = {}) {
  const started = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function tsbuildCase(fixture, base) {
  const out = join(work, `ts-${fixture}-${Math.random()}`);
  return timed(process.execPath, [TSBUILD, '-c', join(ROOT, 'bench/fixtures', fixture), '--no-push', '--oci-layout-path', out, '--build-arg', `BASE=${base}`]);
}

/** A cold build into a fresh cache repository, then the same build warm: `--cache`, registry store. */
function cacheCase(host, base, n) {
  const args = [TSBUILD, '-c', join(ROOT, 'bench/fixtures/cache-slow'), '-f', join(ROOT, 'bench/fixtures/cache-slow/Dockerfile'), '--build-arg', `BASE=${base}`,
    '--cache', '--cache-repo', `${host}/bench/cache-slow-${n}/cache`];
  const cold = timed(process.execPath, [...args, '-d', `${host}/bench/cache-slow-${n}:cold`]);
  const warm = timed(process.execPath, [...args, '-d', `${host}/bench/cache-slow-${n}:warm`]);
  return { cold, warm };
}

function buildahCase(fixture, base) {
  const store = join(work, `buildah-${Math.random()}`);
  try {
    return timed('buildah', ['--storage-driver', 'vfs', '--root', join(store, 'root'), '--runroot', join(store, 'run'), 'bud', '--isolation', 'chroot',
      '--tls-verify=false', '--layers=false', '--build-arg', `BASE=${base}`, '-t', `bench-${fixture}`, join(ROOT, 'bench/fixtures', fixture)]);
  } finally {
    rmSync(store, { recursive: true, force: true });
  }
}

const registry = await startRegistry();
try {
  const baseCtx = join(work, 'base-ctx');
  mkdirSync(baseCtx);
  copyFileSync(join(ROOT, 'bench/fixtures/base/Dockerfile'), join(baseCtx, 'Dockerfile'));
  copyFileSync('/bin/busybox', join(baseCtx, 'busybox'));
  const base = `${registry.host}/bench/busybox:latest`;
  timed(process.execPath, [TSBUILD, '-c', baseCtx, '-d', base]);
  const src = join(ROOT, 'bench/fixtures/app/src');
  if (!existsSync(src)) {
    for (let d = 0; d < 20; d++) {
      mkdirSync(join(src, `pkg${d}`), { recursive: true });
      for (let f = 0; f < 100; f++) writeFileSync(join(src, `pkg${d}`, `m${f}.js`), `export const v = ${d * 100 + f};\n`.repeat(20));
    }
  }
  const haveBuildah = spawnSync('buildah', ['--version']).status === 0;
  console.log(`tsbuild bench: median of ${RUNS} runs, reference ${haveBuildah ? execFileSync('buildah', ['--version']).toString().trim() : 'none (buildah not installed)'}`);
  console.log('case         tsbuild s   buildah s   tsbuild/buildah');
  for (const fixture of ['app', 'many-files']) {
    const ts = median(Array.from({ length: RUNS }, () => tsbuildCase(fixture, base)));
    const ref = haveBuildah ? median(Array.from({ length: RUNS }, () => buildahCase(fixture, base))) : NaN;
    console.log(`${fixture.padEnd(12)} ${ts.toFixed(2).padStart(9)}   ${Number.isNaN(ref) ? '      -' : ref.toFixed(2).padStart(9)}   ${Number.isNaN(ref) ? '-' : (ts / ref).toFixed(2)}`);
  }
  // The layer cache: each run builds cold into a fresh cache repository, then warm from it.
  const pairs = Array.from({ length: RUNS }, (_, i) => cacheCase(registry.host, base, i));
  const cold = median(pairs.map((p) => p.cold));
  const warm = median(pairs.map((p) => p.warm));
  console.log('case         cold s      warm s      warm/cold (target <= 0.10)');
  console.log(`${'cache-slow'.padEnd(12)} ${cold.toFixed(2).padStart(9)}   ${warm.toFixed(2).padStart(9)}   ${(warm / cold).toFixed(3)}`);
  // Layer compression alone: one zlib stream (as before) against the parallel gzip, as a ratio.
  execFileSync(process.execPath, [join(ROOT, 'bench/gzip.mjs')], { stdio: 'inherit' });
} finally {
  registry.stop();
  rmSync(work, { recursive: true, force: true });
}
