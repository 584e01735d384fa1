/**
 * A build context that arrives as a tar (kaniko's `tar://path`, `tar://stdin` and https
 * contexts): spooled to a file when it is a stream, recognised by content (plain, gzip, bzip2, xz
 * or zstd, as ADD recognises archives), and unpacked into a directory with fs/'s archive
 * extraction, which keeps every entry inside that directory: `../` names, absolute names, links
 * and symlinks that point out are all contained.
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extractArchive } from '../fs/index.js';
import { TsbuildError } from '../oci/index.js';
import { archiveCompression } from './archive-source.js';
import { openDecompressed } from './decompress.js';

/** How a context archive is unpacked. */
export interface UnpackContextOptions {
  /**
   * Owner of every unpacked file, e.g. the build's own ids; the tar's owners when absent, which
   * needs root. Context owners never reach an image (COPY writes 0:0 unless --chown).
   */
  readonly owner?: { readonly uid: number; readonly gid: number };
  /** The context as the user wrote it, for messages. */
  readonly display: string;
}

/** Writes `stream` to `path` (0600), for an archive that must be read twice (sniffed, then unpacked). */
export async function spoolStream(stream: Readable, path: string, display: string): Promise<void> {
  try {
    await pipeline(stream, createWriteStream(path, { mode: 0o600 }));
  } catch (err) {
    throw new TsbuildError('TSB_CONTEXT', `${display}: reading the context failed: ${(err as Error).message}`, { cause: err });
  }
}

/** Unpacks the tar at `archive` into `dir` (created when missing). */
export async function unpackContextArchive(archive: string, dir: string, options: UnpackContextOptions): Promise<void> {
  let compression;
  try {
    compression = await archiveCompression(archive);
  } catch (err) {
    throw new TsbuildError('TSB_CONTEXT', `${options.display}: cannot read ${archive}: ${(err as Error).message}`, { cause: err });
  }
  if (compression === undefined) {
    throw new TsbuildError('TSB_CONTEXT', `${options.display}: not a tar archive (plain, gzip, bzip2, xz or zstd)`);
  }
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const tar = openDecompressed(archive, compression);
  try {
    await extractArchive(dir, '/', tar, { ...(options.owner ? { chown: options.owner } : {}), canMknod: false });
  } catch (err) {
    // An entry that climbs out stays TSB_PATH_ESCAPE: the tar is hostile, not merely unreadable.
    const code = err instanceof TsbuildError && err.code === 'TSB_PATH_ESCAPE' ? err.code : 'TSB_CONTEXT';
    throw new TsbuildError(code, `${options.display}: ${(err as Error).message}`, { cause: err });
  } finally {
    tar.destroy();
  }
}
