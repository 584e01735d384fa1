/**
 * `ADD <http(s) URL>` sources, downloaded as BuildKit's HTTP source does for the Dockerfile
 * frontend: the file is named after the last segment of the URL's path (`__unnamed__` when there
 * is none; Content-Disposition is not consulted), written with mode 0600, and given the
 * `Last-Modified` time when the server sends one. A URL is never extracted, even an archive.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream, lstatSync } from 'node:fs';
import { chmod, mkdir, utimes } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fetch from 'node-fetch';
import type { CopySource } from '../fs/index.js';
import { TsbuildError } from '../oci/index.js';

/** True for the sources ADD downloads. */
export function isUrlSource(source: string): boolean {
  return source.startsWith('http://') || source.startsWith('https://');
}

/** The file name BuildKit gives a downloaded URL (Go's `path.Base` of the decoded URL path). */
export function urlFileName(url: string): string {
  let path: string;
  try {
    path = decodeURIComponent(new URL(url).pathname);
  } catch {
    return '__unnamed__';
  }
  const base = posix.basename(path);
  return base === '' || base === '.' || base === '/' || base === '..' ? '__unnamed__' : base;
}

/** Downloads `url` into a new directory below `dir` and returns it as a COPY source. */
export async function downloadUrlSource(url: string, dir: string, signal?: AbortSignal): Promise<CopySource> {
  const fail = (what: string, cause?: unknown) => new TsbuildError('TSB_COPY_SOURCE', `ADD ${url}: ${what}`, { cause });
  const response = await fetch(url, signal === undefined ? {} : { signal }).catch((err: unknown) => {
    throw fail(`download failed: ${(err as Error).message}`, err);
  });
  if (!response.ok || response.body === null) {
    response.body?.resume();
    throw fail(`invalid response status ${response.status}`);
  }
  const target = join(dir, `download-${randomUUID()}`);
  await mkdir(target, { recursive: true });
  const name = urlFileName(url);
  const hostPath = join(target, name);
  await pipeline(response.body as unknown as Readable, createWriteStream(hostPath, { mode: 0o600 })).catch((err: unknown) => {
    throw fail(`download failed: ${(err as Error).message}`, err);
  });
  await chmod(hostPath, 0o600);
  const modified = Date.parse(response.headers.get('last-modified') ?? '');
  if (Number.isFinite(modified)) await utimes(hostPath, modified / 1000, modified / 1000);
  return { name, hostPath, isDir: false, entries: [{ rel: '', hostPath, stats: lstatSync(hostPath) }] };
}
