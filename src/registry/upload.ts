/**
 * Blob uploads (monolithic: `POST` a session, `PUT` the bytes with `?digest=`) and cross-repository
 * mounts. The `Location` of a session is used exactly as the registry gave it (it may be relative
 * and carry its own query, e.g. distribution's `_state`). A streamed body cannot be sent twice,
 * so a temporary failure restarts the whole upload from a fresh `open()`.
 */
import type { Readable } from 'node:stream';
import type { Logger } from '../log/index.js';
import type { Digest } from '../oci/index.js';
import { RegistryError } from './registry-error.js';
import { redactUrl } from './redact-url.js';
import { errorFromResponse } from './response-error.js';
import { discardBody, type RequestTarget, type Transport, type TransportRequest } from './transport.js';
import { backoffMs, realSleep } from './with-retry.js';

/** What the upload functions need from the client. */
export interface UploadContext {
  readonly send: Transport;
  /** `https://host/v2/<repository>/` */
  readonly repoUrl: string;
  readonly target: RequestTarget;
  readonly retries: number;
  readonly logger: Logger;
}

/** The upload URL with `digest=` appended, keeping whatever query the registry put there. */
export function uploadUrl(location: string, base: URL, digest: Digest): URL {
  const url = new URL(location, base);
  const param = `digest=${encodeURIComponent(digest)}`;
  url.search = url.search.length > 1 ? `${url.search}&${param}` : `?${param}`;
  return url;
}

function sessionLocation(req: TransportRequest, location: string | null): string {
  if (location) return location;
  throw new RegistryError(
    { registry: req.target.registry, repository: req.target.repository, method: req.method, url: redactUrl(req.url) },
    `${req.method} ${redactUrl(req.url)}: the registry opened an upload session without a Location`,
  );
}

async function uploadOnce(ctx: UploadContext, digest: Digest, size: number, open: () => Promise<Readable>): Promise<void> {
  const post: TransportRequest = { method: 'POST', url: new URL(`${ctx.repoUrl}blobs/uploads/`), headers: { 'Content-Length': '0' }, target: ctx.target };
  const started = await ctx.send(post);
  if (started.status !== 202) throw await errorFromResponse(post, started);
  discardBody(started);
  const url = uploadUrl(sessionLocation(post, started.headers.get('location')), started.url, digest);
  const body = await open();
  try {
    const headers = { 'Content-Type': 'application/octet-stream', 'Content-Length': String(size) };
    const put: TransportRequest = { method: 'PUT', url, headers, body, target: ctx.target };
    const done = await ctx.send(put);
    if (done.status !== 201 && done.status !== 204) throw await errorFromResponse(put, done);
    discardBody(done);
  } finally {
    body.destroy();
  }
}

/** Uploads a blob, restarting from a fresh stream on temporary failures. */
export async function uploadBlob(ctx: UploadContext, digest: Digest, size: number, open: () => Promise<Readable>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await uploadOnce(ctx, digest, size, open);
      return;
    } catch (err) {
      if (attempt >= ctx.retries || !(err instanceof RegistryError) || !err.temporary) throw err;
      ctx.logger.debug({ digest, attempt: attempt + 1 }, `retrying upload after: ${err.message}`);
      await realSleep(backoffMs(attempt));
    }
  }
}

/** Asks the registry to link a blob from another repository; false when it cannot (202). */
export async function mountBlob(ctx: UploadContext, digest: Digest, from: string): Promise<boolean> {
  const url = new URL(`${ctx.repoUrl}blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`);
  const target = { ...ctx.target, scopes: [...ctx.target.scopes, `repository:${from}:pull`] };
  const post: TransportRequest = { method: 'POST', url, headers: { 'Content-Length': '0' }, target };
  const res = await ctx.send(post);
  if (res.status === 201) {
    discardBody(res);
    return true;
  }
  if (res.status !== 202) throw await errorFromResponse(post, res);
  discardBody(res);
  // The registry opened an ordinary upload session instead; close it rather than leave it dangling.
  const location = res.headers.get('location');
  if (location) {
    const cancel: TransportRequest = { method: 'DELETE', url: new URL(location, res.url), headers: {}, target: ctx.target };
    await ctx.send(cancel).then(discardBody, (err: unknown) => ctx.logger.debug({ err: (err as Error).message }, 'could not cancel upload session'));
  }
  return false;
}
