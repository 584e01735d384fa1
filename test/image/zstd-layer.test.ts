/**
 * writeLayer with OCI's zstd media type: the blob is checked by the real `zstd` program and by
 * sha256sum, the bytes are the same whatever the thread count or the input's chunking, and a
 * failure (input error, zstd dying, abort) leaves neither a file nor a zstd process behind.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { appendLayers, DEFAULT_ZSTD_LEVEL, openUncompressed, scratchImage, writeLayer } from '../../src/image/index.js';
import { zstdCompress } from '../../src/image/zstd-compress.js';
import { DEFAULT_PLATFORM, MediaType } from '../../src/oci/index.js';
import { seededBytes, tarOf } from '../helpers/random-image.js';
import { tempDir } from '../helpers/temp-dir.js';
import { validateImage } from '../helpers/validate-image.js';

const ZSTD = MediaType.ociLayerZstd;
const sha256 = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** A tar of `size` bytes of content, half compressible text and half random bytes. */
function sampleTar(size = 400_000, seed = 'z'): Promise<Buffer> {
  const text = Buffer.from('hello zstd layer\n'.repeat(Math.ceil(size / 34))).subarray(0, size / 2);
  return bytesOf(tarOf([
    { name: 'etc/text.txt', content: text },
    { name: 'bin/random', content: seededBytes(seed, size / 2), mode: 0o755 },
  ]));
}

/** `data` in pieces of `size` bytes, so the compressor sees other write boundaries. */
function inPieces(data: Buffer, size: number): Readable {
  const pieces: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) pieces.push(data.subarray(i, i + size));
  return Readable.from(pieces);
}

/** zstd processes whose parent is this process, read from /proc (zombies included). */
function zstdChildren(): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const [, comm, rest] = /^\d+ \((.*)\) (.*)$/s.exec(stat) ?? [];
      const ppid = Number(rest?.split(' ')[1]);
      if (comm === 'zstd' && ppid === process.pid) pids.push(Number(name));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

async function compressWith(data: Buffer, level: number, threads: number, pieceSize: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await pipeline(inPieces(data, pieceSize), zstdCompress({ level, threads }), async (source: AsyncIterable<Buffer>) => {
    for await (const c of source) chunks.push(c);
  });
  return Buffer.concat(chunks);
}

describe('writeLayer (zstd)', () => {
  it('stores a zstd blob under its digest with the diffID of the tar, both checked by real tools', async () => {
    await using dir = await tempDir();
    const tar = await sampleTar();
    const layer = await writeLayer(Readable.from([tar]), { dir: dir.path, mediaType: ZSTD });
    const digest = await layer.digest();
    const path = join(dir.path, digest.slice('sha256:'.length));
    const blob = readFileSync(path);

    expect(layer.mediaType).toBe(ZSTD);
    expect(readdirSync(dir.path)).toEqual([digest.slice('sha256:'.length)]); // no temp files left
    expect(execFileSync('sha256sum', [path]).toString().split(' ')[0]).toBe(digest.slice(7));
    expect(await layer.size()).toBe(blob.length);
    execFileSync('zstd', ['-t', '-q', path]);
    const decompressed = execFileSync('zstd', ['-dc', '-q', path], { maxBuffer: 1 << 26 });
    expect(decompressed.equals(tar)).toBe(true);
    expect(await layer.diffId()).toBe(sha256(tar));
    expect(blob.length).toBeLessThan(tar.length * 0.6);
    // The production reader gives the tar back too.
    expect((await bytesOf(await openUncompressed(layer))).equals(tar)).toBe(true);
  });

  it('writes one frame with a checksum and no content size, at level 3 by default', async () => {
    await using dir = await tempDir();
    const tar = await sampleTar();
    const layer = await writeLayer(Readable.from([tar]), { dir: dir.path, mediaType: ZSTD });
    const blob = await bytesOf(await layer.open());
    expect(blob.subarray(0, 4).toString('hex')).toBe('28b52ffd');
    // Frame header descriptor: no content-size field, not single-segment, checksum on, no dictionary.
    expect(blob[4]).toBe(0b0000_0100);
    const listing = execFileSync('zstd', ['-lv', join(dir.path, (await layer.digest()).slice(7))], { encoding: 'utf8' });
    expect(listing).toMatch(/Zstandard Frames: 1/);
    expect(listing).toMatch(/Check: XXH64/);
    expect(DEFAULT_ZSTD_LEVEL).toBe(3);
    // The same bytes the zstd program writes for the tar at level 3 from a pipe.
    expect(blob.equals(execFileSync('zstd', ['-c', '-q', '-3', '-T1'], { input: tar, maxBuffer: 1 << 26 }))).toBe(true);
  });

  it('gives the same bytes for any thread count and any input chunking, and honours the level', async () => {
    // Larger than one zstd job (8 MiB at level 3), so several threads really share the work.
    const tar = await sampleTar(20 << 20, 'threads');
    const reference = await compressWith(tar, 3, 1, 1 << 20);
    for (const [threads, pieces] of [[2, 65_536], [4, 1000], [8, 7 << 20]] as const) {
      expect((await compressWith(tar, 3, threads, pieces)).equals(reference), `${threads} threads, ${pieces}-byte writes`).toBe(true);
    }
    await using dir = await tempDir();
    const a = await writeLayer(Readable.from([tar]), { dir: dir.path, mediaType: ZSTD });
    const b = await writeLayer(inPieces(tar, 12_345), { dir: dir.path, mediaType: ZSTD });
    const fast = await writeLayer(Readable.from([tar]), { dir: dir.path, mediaType: ZSTD, level: 1 });
    const small = await writeLayer(Readable.from([tar]), { dir: dir.path, mediaType: ZSTD, level: 19 });
    expect(await b.digest()).toBe(await a.digest());
    expect(await a.digest()).toBe(sha256(reference));
    expect(new Set([await a.digest(), await fast.digest(), await small.digest()]).size).toBe(3);
    expect(new Set([await a.diffId(), await fast.diffId(), await small.diffId()])).toEqual(new Set([sha256(tar)]));
    expect(await small.size()).toBeLessThan(await fast.size());
  }, 60_000);

  it('makes images that validate, with the zstd media type in the manifest', async () => {
    await using dir = await tempDir();
    const layer = await writeLayer(Readable.from([await sampleTar()]), { dir: dir.path, mediaType: ZSTD });
    const img = appendLayers(scratchImage('oci', DEFAULT_PLATFORM), [{ layer, history: { created_by: 'zstd test' } }]);
    expect((await img.manifest()).layers.map((l) => l.mediaType)).toEqual([ZSTD]);
    await validateImage(img);
  });

  it('compresses an empty tar stream into a valid empty frame', async () => {
    await using dir = await tempDir();
    const layer = await writeLayer(Readable.from([]), { dir: dir.path, mediaType: ZSTD });
    const path = join(dir.path, (await layer.digest()).slice(7));
    expect(execFileSync('zstd', ['-dc', '-q', path]).length).toBe(0);
    expect(await layer.diffId()).toBe(sha256(Buffer.alloc(0)));
  });

  it('fails with the input error and leaves no file and no zstd process', async () => {
    await using dir = await tempDir();
    const tar = await sampleTar();
    let sent = false;
    const failing = new Readable({
      read() {
        if (sent) this.destroy(new Error('tar producer failed'));
        else this.push(tar);
        sent = true;
      },
    });
    await expect(writeLayer(failing, { dir: dir.path, mediaType: ZSTD })).rejects.toThrow('tar producer failed');
    expect(readdirSync(dir.path)).toEqual([]);
    expect(zstdChildren()).toEqual([]);
  });

  it('reports zstd dying as TSB_LAYER_INVALID, and an abort as AbortError, leaving nothing behind', async () => {
    await using dir = await tempDir();
    const endless = () =>
      new Readable({
        read() {
          this.push(seededBytes(String(Math.random()), 64 * 1024));
        },
      });
    const pending = writeLayer(endless(), { dir: dir.path, mediaType: ZSTD });
    let victims: number[] = [];
    while (victims.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      victims = zstdChildren();
    }
    process.kill(victims[0]!, 'SIGKILL');
    await expect(pending).rejects.toMatchObject({ code: 'TSB_LAYER_INVALID', message: /zstd could not compress a layer: exit SIGKILL/ });

    const controller = new AbortController();
    const aborted = writeLayer(endless(), { dir: dir.path, mediaType: ZSTD, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    expect(readdirSync(dir.path)).toEqual([]);
    expect(zstdChildren()).toEqual([]);
  });

  it('refuses levels zstd does not have before starting anything', async () => {
    await using dir = await tempDir();
    for (const level of [0, 20, 2.5]) {
      await expect(writeLayer(Readable.from([]), { dir: dir.path, mediaType: ZSTD, level })).rejects.toMatchObject({ code: 'TSB_INTERNAL' });
    }
    expect(zstdChildren()).toEqual([]);
  });
});
