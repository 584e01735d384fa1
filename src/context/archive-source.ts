/**
 * Whether an ADD source is a tar archive to extract, decided as BuildKit's `isArchivePath`
 * decides: a regular file whose bytes, once decompressed (gzip, bzip2, xz, zstd or none), start
 * with a tar header Go's `tar.Reader.Next` accepts. Anything else is copied as it is, whatever
 * its name says.
 */
import { lstat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { detectCompression, openDecompressed, type Compression } from './decompress.js';

const BLOCK = 512;

/** The compression of a tar archive at `hostPath`, or undefined when it is not one. */
export async function archiveCompression(hostPath: string): Promise<Compression | undefined> {
  if (!(await lstat(hostPath)).isFile()) return undefined;
  const compression = await detectCompression(hostPath);
  const stream = openDecompressed(hostPath, compression);
  try {
    const head = await readHead(stream, 2 * BLOCK);
    return firstHeaderValid(head) ? compression : undefined;
  } catch {
    // Bytes that look compressed but do not decompress are not an archive: they are copied.
    return undefined;
  } finally {
    stream.destroy();
  }
}

/** Up to `n` bytes from the start of a stream. */
async function readHead(stream: Readable, n: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
    length += (chunk as Buffer).length;
    if (length >= n) break;
  }
  return Buffer.concat(chunks, length).subarray(0, n);
}

/** Go reads past one zero block; two mean the end (io.EOF: no entry, so not an archive). */
function firstHeaderValid(head: Buffer): boolean {
  const first = head.subarray(0, BLOCK);
  if (first.length < BLOCK) return false;
  if (first.every((b) => b === 0)) {
    const second = head.subarray(BLOCK, 2 * BLOCK);
    return second.length === BLOCK && !second.every((b) => b === 0) && checksumValid(second);
  }
  return checksumValid(first);
}

/** The header checksum, which Go accepts as the unsigned or the signed byte sum. */
function checksumValid(block: Buffer): boolean {
  const field = block.subarray(148, 156).toString('latin1').replace(/[\0 ]+$/g, '').replace(/^[\0 ]+/, '');
  if (!/^[0-7]+$/.test(field)) return false;
  const stored = parseInt(field, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : block[i]!;
    unsigned += byte;
    signed += byte < 0x80 ? byte : byte - 0x100;
  }
  return stored === unsigned || stored === signed;
}
