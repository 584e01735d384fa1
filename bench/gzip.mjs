#!/usr/bin/env node
// Layer compression throughput: one zlib stream (how layers were written before) against the
// parallel multi-member gzip writeLayer uses now, same level, and zstd at its default level
// (`--compression=zstd`), on a tar of this repository's node_modules (a typical layer: JS text
// and native binaries). Each pipeline is shaped like writeLayer's: read → sha256 → compress →
// sha256 → discard. Runs alternate; the median counts.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { DEFAULT_GZIP_LEVEL, DEFAULT_ZSTD_LEVEL } from '../dist/image/index.js';
import { parallelGzip } from '../dist/image/parallel-gzip.js';
import { sharedGzipPool } from '../dist/image/gzip-pool.js';
import { zstdCompress } from '../dist/image/zstd-compress.js';

const ROOT = resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const work = mkdtempSync(join(tmpdir(), 'tsbuild-bench-gzip-'));

const hashing = () => {
  const hash = createHash('sha256');
  return new Transform({
    transform(chunk, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
};

async function compress(tar, gzip) {
  let size = 0;
  const sink = new Writable({
    write(chunk, _enc, done) {
      size += chunk.length;
      done();
    },
  });
  const started = process.hrtime.bigint();
  await pipeline(createReadStream(tar), hashing(), gzip, hashing(), sink);
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, size };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  const tar = join(work, 'node_modules.tar');
  execFileSync('tar', ['-C', ROOT, '-cf', tar, 'node_modules']);
  const bytes = statSync(tar).size;
  // Warm the page cache and the worker pool, so neither side pays a start-up cost.
  await compress(tar, parallelGzip({ level: DEFAULT_GZIP_LEVEL }));
  const before = [];
  const after = [];
  const zstd = [];
  let sizes;
  for (let i = 0; i < RUNS; i++) {
    const one = await compress(tar, createGzip({ level: DEFAULT_GZIP_LEVEL }));
    const many = await compress(tar, parallelGzip({ level: DEFAULT_GZIP_LEVEL }));
    const z = await compress(tar, zstdCompress({ level: DEFAULT_ZSTD_LEVEL }));
    before.push(one.seconds);
    after.push(many.seconds);
    zstd.push(z.seconds);
    sizes = [one.size, many.size, z.size];
  }
  const mbps = (s) => bytes / 1e6 / s;
  console.log(`gzip level ${DEFAULT_GZIP_LEVEL} of a ${(bytes / 1e6).toFixed(0)} MB tar, median of ${RUNS} runs, ${sharedGzipPool().threads} worker threads (${availableParallelism()} CPUs)`);
  console.log('case             MB/s   blob MB');
  console.log(`one stream  ${mbps(median(before)).toFixed(1).padStart(9)}   ${(sizes[0] / 1e6).toFixed(2).padStart(7)}`);
  console.log(`parallel    ${mbps(median(after)).toFixed(1).padStart(9)}   ${(sizes[1] / 1e6).toFixed(2).padStart(7)}`);
  console.log(`${`zstd -${DEFAULT_ZSTD_LEVEL}`.padEnd(12)}${mbps(median(zstd)).toFixed(1).padStart(9)}   ${(sizes[2] / 1e6).toFixed(2).padStart(7)}`);
  console.log(`parallel/one stream: ${(median(before) / median(after)).toFixed(2)}x throughput, ${(sizes[1] / sizes[0]).toFixed(4)}x size`);
  console.log(`zstd/parallel gzip: ${(median(after) / median(zstd)).toFixed(2)}x throughput, ${(sizes[2] / sizes[1]).toFixed(4)}x size`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
