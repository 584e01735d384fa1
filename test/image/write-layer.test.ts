import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MediaType } from '../../src/oci/index.js';
import { DEFAULT_GZIP_LEVEL, writeLayer } from '../../src/image/index.js';
import { seededBytes, tarOf } from '../helpers/random-image.js';
import { tempDir } from '../helpers/temp-dir.js';

const sha256 = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** A tar of a few hundred KiB, half compressible text and half random bytes. */
function sampleTar(seed = 'a'): Readable {
  return tarOf([
    { name: 'etc/text.txt', content: Buffer.from('hello layer\n'.repeat(20_000)) },
    { name: 'bin/random', content: seededBytes(seed, 200_000), mode: 0o755 },
  ]);
}

describe('writeLayer', () => {
  it('stores the gzip blob under its digest with the diffID of the tar, both checked by real tools', async () => {
    await using dir = await tempDir();
    const tarBytes = await bytesOf(sampleTar());
    const layer = await writeLayer(Readable.from([tarBytes]), { dir: dir.path, mediaType: MediaType.ociLayerGzip });
    const digest = await layer.digest();
    const path = join(dir.path, digest.slice('sha256:'.length));
    const blob = readFileSync(path);

    expect(readdirSync(dir.path)).toEqual([digest.slice('sha256:'.length)]); // no temp files left
    expect(execFileSync('sha256sum', [path]).toString().split(' ')[0]).toBe(digest.slice(7));
    expect(await layer.size()).toBe(blob.length);
    execFileSync('gzip', ['-t', path]);
    const gunzipped = execFileSync('gzip', ['-dc', path], { maxBuffer: 1 << 26 });
    expect(await layer.diffId()).toBe(sha256(gunzipped));
    expect(await layer.diffId()).toBe(sha256(tarBytes));
    expect(layer.mediaType).toBe(MediaType.ociLayerGzip);
  });

  it('writes a fixed gzip header: no name, mtime 0, OS byte 3', async () => {
    await using dir = await tempDir();
    const layer = await writeLayer(sampleTar(), { dir: dir.path, mediaType: MediaType.dockerLayerGzip });
    const head = (await bytesOf(await layer.open())).subarray(0, 10);
    // magic, deflate, flags 0 (no FNAME), mtime 0, XFL 0 at level 6, OS 3 (unix).
    expect(head.toString('hex')).toBe('1f8b0800000000000003');
    expect(DEFAULT_GZIP_LEVEL).toBe(6);
  });

  it('gives the same digest for the same tar, and honours the level', async () => {
    await using dir = await tempDir();
    const a = await writeLayer(sampleTar(), { dir: dir.path, mediaType: MediaType.ociLayerGzip });
    const b = await writeLayer(sampleTar(), { dir: dir.path, mediaType: MediaType.ociLayerGzip });
    const fast = await writeLayer(sampleTar(), { dir: dir.path, mediaType: MediaType.ociLayerGzip, level: 1 });
    expect(await b.digest()).toBe(await a.digest());
    expect(await fast.diffId()).toBe(await a.diffId());
    expect(await fast.digest()).not.toBe(await a.digest());
    expect(readdirSync(dir.path)).toHaveLength(2);
  });

  it('opens a fresh stream on every call, and a tampered blob fails verification', async () => {
    await using dir = await tempDir();
    const layer = await writeLayer(sampleTar(), { dir: dir.path, mediaType: MediaType.ociLayerGzip });
    const first = await bytesOf(await layer.open());
    const second = await bytesOf(await layer.open());
    expect(second.equals(first)).toBe(true);

    const path = join(dir.path, (await layer.digest()).slice(7));
    const tampered = Buffer.from(first);
    tampered.writeUInt8(tampered.readUInt8(tampered.length - 20) ^ 0xff, tampered.length - 20);
    writeFileSync(path, tampered);
    await expect(bytesOf(await layer.open())).rejects.toMatchObject({ code: 'TSB_DIGEST_MISMATCH' });
  });

  it('leaves nothing behind when the tar stream fails or the write is aborted', async () => {
    await using dir = await tempDir();
    const failing = new Readable({
      read() {
        this.destroy(new Error('tar producer failed'));
      },
    });
    await expect(writeLayer(failing, { dir: dir.path, mediaType: MediaType.ociLayerGzip })).rejects.toThrow('tar producer failed');

    const controller = new AbortController();
    const endless = new Readable({
      read() {
        this.push(Buffer.alloc(64 * 1024));
      },
    });
    const pending = writeLayer(endless, { dir: dir.path, mediaType: MediaType.ociLayerGzip, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(readdirSync(dir.path)).toEqual([]);
  });

  it('refuses a media type it does not write (an uncompressed tar)', async () => {
    await using dir = await tempDir();
    await expect(writeLayer(sampleTar(), { dir: dir.path, mediaType: MediaType.ociLayerTar })).rejects.toMatchObject({
      code: 'TSB_INTERNAL',
    });
  });
});
