/**
 * Reading what a layer entry carries, never through a symlink: the path was a regular file (or a
 * symlink) when it was stat'ed, and anything else now is a change under our feet, not a file to
 * follow somewhere else.
 */
import { closeSync, constants, createReadStream, fstatSync, lstatSync, openSync, readlinkSync, readSync, type BigIntStats } from 'node:fs';
import { TsbuildError } from '../oci/index.js';

function changedUnderUs(path: string, detail: string): TsbuildError {
  return new TsbuildError('TSB_LAYER_INVALID', `${path} changed while its layer was being written (${detail})`);
}

/** Opens a regular file; O_NONBLOCK so a path that became a FIFO fails instead of hanging. */
function openRegular(host: string, path: string): number {
  let fd: number;
  try {
    fd = openSync(host, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    throw changedUnderUs(path, (error as Error).message);
  }
  if (!fstatSync(fd).isFile()) {
    closeSync(fd);
    throw changedUnderUs(path, 'no longer a regular file');
  }
  return fd;
}

/** The entry's metadata now. */
export function lstatEntry(host: string, path: string): BigIntStats {
  try {
    return lstatSync(host, { bigint: true });
  } catch (error) {
    throw changedUnderUs(path, (error as Error).message);
  }
}

/** Exactly `size` bytes of a small regular file, read synchronously. */
export function readSmallFile(host: string, path: string, size: number): Buffer {
  const fd = openRegular(host, path);
  try {
    const buf = Buffer.allocUnsafe(size);
    let done = 0;
    while (done < size) {
      const n = readSync(fd, buf, done, size - done, done);
      if (n === 0) throw changedUnderUs(path, `expected ${size} bytes, found ${done}`);
      done += n;
    }
    return buf;
  } finally {
    closeSync(fd);
  }
}

/** Exactly `size` bytes of a large regular file, streamed. */
export async function* streamFile(host: string, path: string, size: number): AsyncGenerator<Buffer> {
  const fd = openRegular(host, path);
  const stream = createReadStream('', { fd, start: 0, end: size - 1, highWaterMark: 256 * 1024 });
  let seen = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      seen += chunk.length;
      yield chunk;
    }
  } finally {
    stream.destroy();
  }
  if (seen !== size) throw changedUnderUs(path, `expected ${size} bytes, found ${seen}`);
}

/** A symlink's target. */
export function readLink(host: string, path: string): string {
  try {
    return readlinkSync(host);
  } catch (error) {
    throw changedUnderUs(path, (error as Error).message);
  }
}
