import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { GzipPool } from '../../src/image/gzip-pool.js';
import { GZIP_CHUNK_SIZE, parallelGzip, type ParallelGzipOptions } from '../../src/image/parallel-gzip.js';
import { seededBytes } from '../helpers/random-image.js';

const KiB = 1024;
const pool = new GzipPool(2);
afterAll(() => pool.close());

/** Runs `pieces` through a parallel gzip stream and collects the output. */
async function compress(pieces: readonly Buffer[], opts: Partial<ParallelGzipOptions> = {}): Promise<Buffer> {
  const out: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      out.push(chunk);
      done();
    },
  });
  await pipeline(Readable.from(pieces), parallelGzip({ level: 6, pool, ...opts }), sink);
  return Buffer.concat(out);
}

/** What the stream must produce: zlib's own one-shot gzip of each fixed-size chunk, concatenated. */
function reference(data: Buffer, chunkSize: number, level = 6): Buffer {
  const members: Buffer[] = [];
  for (let at = 0; at < data.length || members.length === 0; at += chunkSize) {
    members.push(gzipSync(data.subarray(at, at + chunkSize), { level }));
  }
  return Buffer.concat(members);
}

/** `gzip -t` and `gzip -dc` (the real binary) accept the bytes and give back `expected`. */
function checkWithGzipBinary(compressed: Buffer, expected: Buffer): void {
  execFileSync('gzip', ['-t'], { input: compressed });
  const out = execFileSync('gzip', ['-dc'], { input: compressed, maxBuffer: 1 << 28 });
  expect(out.equals(expected)).toBe(true);
}

/** Half text, half random: `length` bytes. */
function mixed(length: number, seed = 'mixed'): Buffer {
  const text = Buffer.alloc(Math.floor(length / 2), 'usr/lib/libexample.so.1 ');
  return Buffer.concat([text, seededBytes(seed, length - text.length)]);
}

describe('parallelGzip', () => {
  it('gives one valid empty member for empty input', async () => {
    const out = await compress([]);
    expect(out.equals(gzipSync(Buffer.alloc(0), { level: 6 }))).toBe(true);
    expect(gunzipSync(out).length).toBe(0);
    checkWithGzipBinary(out, Buffer.alloc(0));
  });

  it('gives exactly the single-stream gzip, with the fixed header, for input of at most one chunk', async () => {
    const tiny = Buffer.from('hello, layer\n');
    const out = await compress([tiny]);
    expect(out.equals(gzipSync(tiny, { level: 6 }))).toBe(true);
    // magic, deflate, no flags (no name), mtime 0, XFL 0, OS 3 (unix)
    expect(out.subarray(0, 10).toString('hex')).toBe('1f8b0800000000000003');
    checkWithGzipBinary(out, tiny);

    const full = mixed(GZIP_CHUNK_SIZE);
    expect((await compress([full])).equals(gzipSync(full, { level: 6 }))).toBe(true);
  });

  it('writes one member per chunk, in order, for input of exactly N chunks', async () => {
    const data = mixed(3 * GZIP_CHUNK_SIZE);
    const out = await compress([data]);
    expect(out.equals(reference(data, GZIP_CHUNK_SIZE))).toBe(true);
    expect(gunzipSync(out).equals(data)).toBe(true);
    checkWithGzipBinary(out, data);

    const small = mixed(7 * 64 * KiB, 'small');
    const members = await compress([small], { chunkSize: 64 * KiB, inFlight: 3 });
    expect(members.equals(reference(small, 64 * KiB))).toBe(true);
    checkWithGzipBinary(members, small);
  });

  it('gives the same bytes whatever the write boundaries, thread count or run', async () => {
    const data = mixed(2 * GZIP_CHUNK_SIZE + 12_345, 'bounds');
    const whole = await compress([data]);
    const odd: Buffer[] = [];
    for (let at = 0, step = 1; at < data.length; at += step, step = (step * 7 + 3) % 200_003) odd.push(data.subarray(at, at + step));
    const single = new GzipPool(1);
    const many = new GzipPool(5);
    try {
      expect((await compress(odd)).equals(whole)).toBe(true);
      expect((await compress([data], { pool: single })).equals(whole)).toBe(true);
      expect((await compress(odd, { pool: many, inFlight: 1 })).equals(whole)).toBe(true);
      expect((await compress([data])).equals(whole)).toBe(true);
    } finally {
      await Promise.all([single.close(), many.close()]);
    }
    expect(whole.equals(reference(data, GZIP_CHUNK_SIZE))).toBe(true);
    expect(createHash('sha256').update(gunzipSync(whole)).digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
  });

  it('honours the level', async () => {
    const data = mixed(GZIP_CHUNK_SIZE + 1000, 'level');
    const fast = await compress([data], { level: 1 });
    expect(fast.equals(reference(data, GZIP_CHUNK_SIZE, 1))).toBe(true);
    expect(fast.equals(await compress([data]))).toBe(false);
    expect(gunzipSync(fast).equals(data)).toBe(true);
  });

  it('rejects when the input fails, with nothing left running in the pool', async () => {
    let sent = 0;
    const failing = new Readable({
      read() {
        if (sent++ < 5) this.push(mixed(GZIP_CHUNK_SIZE, `f${sent}`));
        else this.destroy(new Error('tar producer failed'));
      },
    });
    const sink = new Writable({ write: (_c, _e, done) => done() });
    await expect(pipeline(failing, parallelGzip({ level: 6, pool }), sink)).rejects.toThrow('tar producer failed');
    await expect.poll(() => pool.pending).toBe(0);
    expect(pool.workers).toBeLessThanOrEqual(2);
    // The pool still works afterwards.
    const data = mixed(GZIP_CHUNK_SIZE + 1, 'after');
    expect(gunzipSync(await compress([data])).equals(data)).toBe(true);
  });

  it('reports a failing worker as an error of the write, and replaces the worker', async () => {
    const data = mixed(3 * GZIP_CHUNK_SIZE, 'crash');
    // zlib refuses level 42 inside the worker, which then dies with that error.
    await expect(pool.compress(Buffer.from('x'), 42)).rejects.toMatchObject({ code: 'TSB_INTERNAL', message: /gzip worker failed.*level/ });
    await expect(compress([data], { level: 42 })).rejects.toMatchObject({ code: 'TSB_INTERNAL', message: /gzip worker failed/ });
    await expect.poll(() => pool.pending).toBe(0);
    expect(gunzipSync(await compress([data])).equals(data)).toBe(true);
  });

  it('drops the queued chunks of a destroyed stream', async () => {
    const slow = new GzipPool(1);
    try {
      // The pool's one worker is kept busy by a job of the test's own, so the stream's chunks
      // wait in the queue however fast this machine is (no race with the compression).
      const busy = slow.compress(mixed(48 * 1024 * KiB, 'busy'), 9);
      const gz = parallelGzip({ level: 9, pool: slow, chunkSize: 256 * KiB, inFlight: 8 });
      gz.on('error', () => {});
      gz.write(mixed(8 * 256 * KiB, 'abort'));
      await expect.poll(() => slow.pending).toBe(9);
      gz.destroy(new Error('aborted'));
      // Only the job already in the worker is left, and it finishes on its own.
      await expect.poll(() => slow.pending).toBe(1);
      await busy;
      expect(slow.pending).toBe(0);
    } finally {
      await slow.close();
    }
    expect(slow.workers).toBe(0);
  });
});
