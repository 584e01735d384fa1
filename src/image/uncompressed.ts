/**
 * The uncompressed tar of a layer, whatever its blob is. The format is sniffed from the first
 * bytes rather than trusted from the media type: registries and old tools mislabel layers, and
 * the bytes cannot lie. gzip is decompressed in-process; zstd by the `zstd` program (Debian
 * package `zstd`), which is several times faster than any JavaScript decoder.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { pipeline, type Readable, Transform, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { TsbuildError } from '../oci/index.js';
import type { Layer } from './types.js';

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);

/** A fresh stream of the layer's tar: gunzipped, zstd-decompressed or passed through. */
export async function openUncompressed(layer: Layer): Promise<Readable> {
  const blob = await layer.open();
  let head: Buffer;
  try {
    head = await peek(blob, ZSTD_MAGIC.length);
  } catch (err) {
    blob.destroy();
    throw err;
  }
  if (startsWith(head, GZIP_MAGIC)) return pipeline(blob, createGunzip(), () => {});
  if (startsWith(head, ZSTD_MAGIC)) return zstdDecompress(blob, await layer.digest());
  return blob;
}

function startsWith(head: Buffer, magic: Buffer): boolean {
  return head.length >= magic.length && head.subarray(0, magic.length).equals(magic);
}

/** Reads up to `n` bytes without consuming them: they are pushed back for the next reader. */
async function peek(stream: Readable, n: number): Promise<Buffer> {
  for (;;) {
    const chunk = stream.read(n) as Buffer | null;
    if (chunk !== null) {
      stream.unshift(chunk);
      return chunk;
    }
    if (stream.readableEnded || stream.destroyed) return Buffer.alloc(0);
    // 'readable' also fires at the end of the stream, when read(n) returns what is left.
    await Promise.race([once(stream, 'readable'), once(stream, 'end')]);
  }
}

/** Pipes `blob` through `zstd -dc`; the output stream errors if zstd is missing or fails. */
function zstdDecompress(blob: Readable, digest: string): Readable {
  const child = spawn('zstd', ['-dc', '-q'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const stderr: Buffer[] = [];
  let stderrBytes = 0;
  child.stderr.on('data', (chunk: Buffer) => {
    // Keep only the start of stderr: enough for a message, bounded in memory.
    if (stderrBytes < 4096) stderr.push(chunk);
    stderrBytes += chunk.length;
  });
  const exited = new Promise<Error | null>((resolve) => {
    child.once('error', (err: NodeJS.ErrnoException) => {
      resolve(
        err.code === 'ENOENT'
          ? new TsbuildError('TSB_LAYER_INVALID', `layer ${digest} is zstd-compressed and the zstd program is not installed (Debian package "zstd")`, { cause: err })
          : new TsbuildError('TSB_LAYER_INVALID', `cannot run zstd for layer ${digest}: ${err.message}`, { cause: err }),
      );
    });
    child.once('close', (code, signal) => {
      if (code === 0) {
        resolve(null);
        return;
      }
      const why = Buffer.concat(stderr).toString('utf8').trim() || `exit ${code ?? signal}`;
      resolve(new TsbuildError('TSB_LAYER_INVALID', `zstd could not decompress layer ${digest}: ${why}`));
    });
  });
  const fed = new Promise<Error | null>((resolve) => pipeline(blob, child.stdin, (err) => resolve(err ?? null)));
  // A blob error (a digest mismatch found at its end) is the real cause even when zstd, fed a
  // truncated input, fails too; a write error on stdin only means zstd stopped, which `exited` says.
  const outcome = Promise.all([fed, exited]).then(([feedErr, exitErr]) => blob.errored ?? exitErr ?? feedErr);
  const out = new Transform({
    transform: (chunk: Buffer, _enc, cb: TransformCallback) => cb(null, chunk),
    flush: (cb: TransformCallback) => void outcome.then((err) => cb(err)),
  });
  void outcome.then((err) => {
    if (err) out.destroy(err);
  });
  out.once('close', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill();
  });
  return pipeline(child.stdout, out, () => {});
}
