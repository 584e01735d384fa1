/**
 * A blob download that survives a dropped connection: when the body breaks (reset, timeout,
 * truncated by a proxy) it asks again from the byte it got to (`Range: bytes=N-`, as containerd
 * does) instead of failing the build or starting over. A registry that ignores Range answers 200
 * with the whole blob, and the bytes already delivered are skipped. Out of retries, a short blob
 * is TSB_DIGEST_MISMATCH (it cannot hash to its digest), never a shorter layer.
 */
import { Readable } from 'node:stream';
import type { Logger } from '../log/index.js';
import { RegistryError } from './registry-error.js';
import { backoffMs, isNetworkError, realSleep } from './with-retry.js';

/** Where a resumable read gets its bytes from. */
export interface ResumableSource {
  /** The first response body. */
  readonly first: Readable;
  /** The expected size, when known (a stream that ends short of it is resumed too). */
  readonly size: number | undefined;
  /** Asks for the bytes from `offset` on; `skip` is how many leading bytes of the answer to drop. */
  reopen(offset: number): Promise<{ body: Readable; skip: number }>;
  readonly retries: number;
  readonly logger: Logger;
  /** Names the blob in errors and logs. */
  readonly what: { registry: string; repository: string; url: string };
}

function shortError(src: ResumableSource, got: number, cause: unknown): RegistryError {
  const detail = cause instanceof Error ? `: ${cause.message}` : '';
  return new RegistryError(
    { code: 'TSB_DIGEST_MISMATCH', registry: src.what.registry, repository: src.what.repository, method: 'GET', url: src.what.url, temporary: true },
    `GET ${src.what.url}: the blob ended after ${got} of ${src.size ?? '?'} bytes${detail}`,
    { cause },
  );
}

async function* bytes(src: ResumableSource): AsyncGenerator<Buffer> {
  let offset = 0;
  let body = src.first;
  let skip = 0;
  for (let attempt = 0; ; ) {
    let failure: unknown;
    try {
      for await (const piece of body as AsyncIterable<Buffer>) {
        let chunk = piece;
        if (skip > 0) {
          const dropped = Math.min(skip, chunk.length);
          skip -= dropped;
          chunk = chunk.subarray(dropped);
          if (chunk.length === 0) continue;
        }
        offset += chunk.length;
        yield chunk;
      }
      if (src.size === undefined || offset >= src.size) return;
      failure = new Error('the connection closed early');
    } catch (err) {
      if (!isNetworkError(err)) throw err;
      failure = err;
    } finally {
      body.destroy();
    }
    if (src.size === undefined) throw failure;
    if (attempt >= src.retries) throw shortError(src, offset, failure);
    src.logger.debug({ url: src.what.url, offset, size: src.size, attempt: attempt + 1 }, 'blob download broke; resuming');
    await realSleep(backoffMs(attempt));
    attempt++;
    ({ body, skip } = await src.reopen(offset));
  }
}

/** The blob's bytes as one stream, resumed across broken connections. */
export function resumableBody(src: ResumableSource): Readable {
  return Readable.from(bytes(src), { objectMode: false });
}
