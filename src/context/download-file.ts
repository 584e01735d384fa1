/**
 * Downloading one file for the build's inputs, as kaniko does for an `https://` context tarball
 * and a `--dockerfile` URL: a plain GET (redirects followed), status 200 required, the body
 * streamed to a file (0600) and never held in memory.
 */
import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fetch from 'node-fetch';
import { TsbuildError } from '../oci/index.js';

/** Downloads `url` to `path`; `what` names the input in errors (`--context`, `--dockerfile`). */
export async function downloadFile(url: string, path: string, what: string, signal?: AbortSignal): Promise<void> {
  const fail = (why: string, cause?: unknown) => new TsbuildError('TSB_CONTEXT', `${what} ${url}: ${why}`, { cause });
  const response = await fetch(url, signal === undefined ? {} : { signal }).catch((err: unknown) => {
    throw fail(`download failed: ${(err as Error).message}`, err);
  });
  if (response.status !== 200 || response.body === null) {
    response.body?.resume();
    throw fail(`bad status from server: ${response.status} ${response.statusText}`);
  }
  await pipeline(response.body as unknown as Readable, createWriteStream(path, { mode: 0o600 })).catch((err: unknown) => {
    throw fail(`download failed: ${(err as Error).message}`, err);
  });
}
