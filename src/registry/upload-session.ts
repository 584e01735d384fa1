/**
 * Upload sessions of the distribution API: `POST /v2/<repo>/blobs/uploads/` opens one and
 * answers with a `Location` that is used exactly as the registry gave it (it may be relative and
 * carry its own query, e.g. distribution's `_state`), and each later step answers with the next.
 */
import type { Logger } from '../log/index.js';
import type { Digest } from '../oci/index.js';
import { RegistryError } from './registry-error.js';
import { redactUrl } from './redact-url.js';
import { errorFromResponse } from './response-error.js';
import { discardBody, type RequestTarget, type Transport, type TransportRequest, type TransportResponse } from './transport.js';

/** What the upload functions need from the client. */
export interface UploadContext {
  readonly send: Transport;
  /** `https://host/v2/<repository>/` */
  readonly repoUrl: string;
  readonly target: RequestTarget;
  readonly retries: number;
  readonly logger: Logger;
  /** Chunked uploads: the chunk size, and the registries known to refuse whole-blob PUTs (per client). */
  readonly chunking: { readonly bytes: number; readonly registries: Set<string> };
}

/** An open upload session. */
export interface UploadSession {
  readonly url: URL;
  /** `OCI-Chunk-Min-Length`: the smallest chunk the registry accepts (except the last). */
  readonly minChunk: number;
}

/** The upload URL with `digest=` appended, keeping whatever query the registry put there. */
export function uploadUrl(location: string, base: URL, digest: Digest): URL {
  const url = new URL(location, base);
  const param = `digest=${encodeURIComponent(digest)}`;
  url.search = url.search.length > 1 ? `${url.search}&${param}` : `?${param}`;
  return url;
}

/** The next URL of a session: the response's `Location`, resolved against the URL that answered. */
export function nextLocation(req: TransportRequest, res: TransportResponse): URL {
  const location = res.headers.get('location');
  if (location) return new URL(location, res.url);
  throw new RegistryError(
    { registry: req.target.registry, repository: req.target.repository, method: req.method, url: redactUrl(req.url) },
    `${req.method} ${redactUrl(req.url)}: the registry answered ${res.status} without a Location for the upload session`,
  );
}

/** Opens an upload session (202 + Location). */
export async function startSession(ctx: UploadContext): Promise<UploadSession> {
  const post: TransportRequest = { method: 'POST', url: new URL(`${ctx.repoUrl}blobs/uploads/`), headers: { 'Content-Length': '0' }, target: ctx.target };
  const started = await ctx.send(post);
  if (started.status !== 202) throw await errorFromResponse(post, started);
  discardBody(started);
  const min = Number(started.headers.get('oci-chunk-min-length') ?? 0);
  return { url: nextLocation(post, started), minChunk: Number.isFinite(min) && min > 0 ? min : 0 };
}

/** Cancels a session so the registry can free what it reserved; failures only get logged. */
export async function cancelSession(ctx: UploadContext, url: URL): Promise<void> {
  const cancel: TransportRequest = { method: 'DELETE', url, headers: {}, target: ctx.target };
  await ctx.send(cancel).then(discardBody, (err: unknown) => ctx.logger.debug({ err: (err as Error).message }, 'could not cancel upload session'));
}
