import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MediaType, parseDigest } from '../../src/oci/index.js';
import { layerFromFile, openUncompressed, writeLayer } from '../../src/image/index.js';
import { seededBytes, tarOf } from '../helpers/random-image.js';
import { tempDir } from '../helpers/temp-dir.js';

const sha256 = (data: Buffer) => parseDigest(`sha256:${createHash('sha256').update(data).digest('hex')}`);

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function sampleTarBytes(): Promise<Buffer> {
  return bytesOf(tarOf([{ name: 'a/b.bin', content: seededBytes('u', 300_000) }, { name: 'c.txt', content: Buffer.from('c\n') }]));
}

/** A layer over a blob file written by hand (so the compression comes from the real CLI tools). */
function fileLayer(dir: string, name: string, blob: Buffer, diffId: string, mediaType: string) {
  const path = join(dir, name);
  writeFileSync(path, blob);
  return layerFromFile(path, { digest: sha256(blob), diffId: parseDigest(diffId), size: blob.length, mediaType });
}

describe('openUncompressed', () => {
  it('gunzips a gzip layer', async () => {
    await using dir = await tempDir();
    const tar = await sampleTarBytes();
    const gz = execFileSync('gzip', ['-c'], { input: tar });
    const layer = fileLayer(dir.path, 'gz', gz, sha256(tar), MediaType.ociLayerGzip);
    expect((await bytesOf(await openUncompressed(layer))).equals(tar)).toBe(true);
  });

  it('decompresses a zstd layer with the zstd program', async () => {
    await using dir = await tempDir();
    const tar = await sampleTarBytes();
    const zst = execFileSync('zstd', ['-c', '-q'], { input: tar });
    const layer = fileLayer(dir.path, 'zst', zst, sha256(tar), MediaType.ociLayerZstd);
    expect((await bytesOf(await openUncompressed(layer))).equals(tar)).toBe(true);
  });

  it('passes a plain tar through, whatever the media type claims', async () => {
    await using dir = await tempDir();
    const tar = await sampleTarBytes();
    const layer = fileLayer(dir.path, 'tar', tar, sha256(tar), MediaType.ociLayerGzip);
    expect((await bytesOf(await openUncompressed(layer))).equals(tar)).toBe(true);
  });

  it('reads back what writeLayer wrote', async () => {
    await using dir = await tempDir();
    const tar = await sampleTarBytes();
    const layer = await writeLayer(tarOf([{ name: 'a/b.bin', content: seededBytes('u', 300_000) }, { name: 'c.txt', content: Buffer.from('c\n') }]), {
      dir: dir.path,
      mediaType: MediaType.ociLayerGzip,
    });
    expect(sha256(await bytesOf(await openUncompressed(layer)))).toBe(await layer.diffId());
    expect(await layer.diffId()).toBe(sha256(tar));
  });

  it('reports a corrupt zstd frame as TSB_LAYER_INVALID', async () => {
    await using dir = await tempDir();
    const zst = execFileSync('zstd', ['-c', '-q'], { input: await sampleTarBytes() });
    const corrupt = Buffer.concat([zst.subarray(0, 200), Buffer.alloc(500, 7)]);
    const layer = fileLayer(dir.path, 'bad', corrupt, sha256(Buffer.alloc(0)), MediaType.ociLayerZstd);
    await expect(bytesOf(await openUncompressed(layer))).rejects.toMatchObject({ code: 'TSB_LAYER_INVALID' });
  });

  it('reports the digest mismatch of a tampered zstd blob, not a silent success', async () => {
    await using dir = await tempDir();
    const tar = await sampleTarBytes();
    const zst = execFileSync('zstd', ['-c', '-q'], { input: tar });
    const path = join(dir.path, 'zst');
    writeFileSync(path, zst);
    const layer = layerFromFile(path, { digest: sha256(Buffer.from('other')), diffId: sha256(tar), size: zst.length, mediaType: MediaType.ociLayerZstd });
    await expect(bytesOf(await openUncompressed(layer))).rejects.toMatchObject({ code: 'TSB_DIGEST_MISMATCH' });
  });
});
