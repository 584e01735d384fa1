/**
 * Nothing half-done is visible (DESIGN rule 4): every file a sink or the layer writer produces is
 * written under a temp name in the destination's own directory (so `rename` stays on one
 * filesystem and is atomic) and renamed into place only once it is complete.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** A fresh temp path in `dir`; dot-prefixed so directory listings of finished files skip it. */
export function tempPathIn(dir: string): string {
  return join(dir, `.tsbuild-${randomUUID()}.partial`);
}

/**
 * Runs `write(tempPath)`, then renames the temp file to `finalPath(result)`. On any failure the
 * temp file is removed and the error rethrown, so only complete files ever carry a final name.
 */
export async function commitTempFile<T>(
  dir: string,
  write: (tempPath: string) => Promise<T>,
  finalPath: (result: T) => string,
): Promise<T> {
  const temp = tempPathIn(dir);
  try {
    const result = await write(temp);
    await rename(temp, finalPath(result));
    return result;
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/** Writes small in-memory data (JSON documents) to `path` atomically. */
export async function writeFileAtomic(path: string, data: Uint8Array | string, signal?: AbortSignal): Promise<void> {
  await writeStreamAtomic(path, [typeof data === 'string' ? Buffer.from(data) : data], signal);
}

/** Streams `source` into `path` atomically. */
export async function writeStreamAtomic(
  path: string,
  source: Readable | Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  signal?: AbortSignal,
): Promise<void> {
  await commitTempFile(
    dirname(path),
    (temp) => pipeline(source, createWriteStream(temp), signal ? { signal } : {}),
    () => path,
  );
}
