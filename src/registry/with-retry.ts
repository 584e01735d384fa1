/**
 * Retries what may succeed the second time: 5xx (not 501), 429 and dropped connections, with
 * exponential backoff and `Retry-After` honoured up to a cap. Only requests whose body can be
 * sent again are retried here; a streamed upload is retried by reopening its source (upload.ts).
 */
import type { Logger } from '../log/index.js';
import { TsbuildError } from '../oci/index.js';
import { RegistryError } from './registry-error.js';
import { redactUrl } from './redact-url.js';
import { isTemporaryStatus } from './response-error.js';
import { discardBody, isReplayable, type Transport, type TransportRequest } from './transport.js';

const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH',
  'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET',
]);
const BASE_DELAY_MS = 250;
const MAX_DELAY_MS = 8_000;
const MAX_RETRY_AFTER_MS = 30_000;

export interface RetryOptions {
  readonly retries: number;
  readonly logger: Logger;
  /** Waits between attempts; tests pass a recorder instead of real time. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The error code of a failed connection, as Node and node-fetch report it. */
function systemCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } };
  if (typeof e.code === 'string') return e.code;
  return typeof e.cause?.code === 'string' ? e.cause.code : undefined;
}

/** True for failures of the connection itself (reset, refused, timed out, cut short). */
export function isNetworkError(err: unknown): boolean {
  const code = systemCode(err);
  return code !== undefined && NETWORK_CODES.has(code);
}

/** A transport failure (no HTTP response at all) as a RegistryError. */
export function connectionError(req: TransportRequest, err: unknown): TsbuildError {
  if (err instanceof TsbuildError) return err;
  const url = redactUrl(req.url);
  return new RegistryError(
    { registry: req.target.registry, repository: req.target.repository, method: req.method, url, temporary: isNetworkError(err) },
    `${req.method} ${url}: ${(err as Error).message}`,
    { cause: err },
  );
}

/** Milliseconds asked for by a `Retry-After` header (seconds or an HTTP date), capped. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - now;
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS) : undefined;
}

/** Exponential backoff with jitter for attempt `n` (0-based). */
export function backoffMs(n: number): number {
  const exp = Math.min(BASE_DELAY_MS * 2 ** n, MAX_DELAY_MS);
  return exp / 2 + Math.random() * (exp / 2);
}

/** Waits `ms` milliseconds. */
export const realSleep = (ms: number): Promise<void> => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Wraps a transport with retries on temporary failures. */
export function withRetry(next: Transport, options: RetryOptions): Transport {
  const sleep = options.sleep ?? realSleep;
  return async (req) => {
    const canRetry = isReplayable(req);
    for (let attempt = 0; ; attempt++) {
      const last = !canRetry || attempt >= options.retries;
      let res;
      try {
        res = await next(req);
      } catch (err) {
        const error = connectionError(req, err);
        if (last || !(error instanceof RegistryError) || !error.temporary) throw error;
        options.logger.debug({ url: error.url, attempt: attempt + 1 }, `retrying after: ${error.message}`);
        await sleep(backoffMs(attempt));
        continue;
      }
      if (last || !isTemporaryStatus(res.status)) return res;
      const wait = retryAfterMs(res.headers.get('retry-after')) ?? backoffMs(attempt);
      discardBody(res);
      options.logger.debug({ url: redactUrl(req.url), status: res.status, attempt: attempt + 1, wait }, 'retrying');
      await sleep(wait);
    }
  };
}
