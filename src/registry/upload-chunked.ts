/**
 * Chunked blob upload: `PATCH` the session URL with `Content-Range: start-end` one chunk at a
 * time, following the `Location` of every answer, then `PUT ?digest=` with no body. Used when a
 * registry (or a proxy in front of it) refuses a whole blob in one request: 413 from proxies with
 * a body limit (Cloudflare in front of a registry, nginx `client_max_body_size`), 416 from GHCR
 * above 4 MiB. Only one chunk is held in memory at a time; a chunk, being bytes, can be re-sent
 * by the retry layer.
 */
import type { Readable } from 'node:stream';
import { type Digest, TsbuildError } from '../oci/index.js';
import { errorFromResponse } from './response-error.js';
import { discardBody, type TransportRequest } from './transport.js';
import { nextLocation, type UploadContext, type UploadSession, uploadUrl } from './upload-session.js';

/** Statuses by which a registry says a whole-blob PUT is too big for it. */
export const WANTS_CHUNKS: ReadonlySet<number> = new Set([413, 416]);

/** Default chunk size: under GHCR's 4 MiB request cap, far under common proxy limits. */
export const DEFAULT_CHUNK_BYTES = 3 * 1024 * 1024;

/** Regroups a byte stream into chunks of exactly `size` bytes (the last may be shorter). */
async function* rechunk(source: AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let held = 0;
  for await (const piece of source) {
    let rest = piece;
    while (held + rest.length >= size) {
      const take = size - held;
      parts.push(rest.subarray(0, take));
      yield Buffer.concat(parts, size);
      rest = rest.subarray(take);
      parts = [];
      held = 0;
    }
    if (rest.length > 0) {
      parts.push(rest);
      held += rest.length;
    }
  }
  if (held > 0) yield Buffer.concat(parts, held);
}

/** Uploads a blob through `session` in chunks, then closes the session with its digest. */
export async function uploadChunked(ctx: UploadContext, session: UploadSession, digest: Digest, size: number, open: () => Promise<Readable>): Promise<void> {
  const chunkBytes = Math.max(ctx.chunking.bytes, session.minChunk);
  let location = session.url;
  let offset = 0;
  const body = await open();
  try {
    for await (const chunk of rechunk(body as AsyncIterable<Buffer>, chunkBytes)) {
      const headers = {
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(chunk.length),
        'Content-Range': `${offset}-${offset + chunk.length - 1}`,
      };
      const patch: TransportRequest = { method: 'PATCH', url: location, headers, body: chunk, target: ctx.target };
      const res = await ctx.send(patch);
      // 416 here means the registry holds a different range (a chunk that arrived although its
      // answer was lost): the session cannot go on, but a fresh upload can.
      if (res.status !== 202) throw await errorFromResponse(patch, res, res.status === 416 ? { temporary: true } : {});
      discardBody(res);
      location = nextLocation(patch, res);
      offset += chunk.length;
    }
  } finally {
    body.destroy();
  }
  if (offset !== size) {
    throw new TsbuildError('TSB_LAYER_INVALID', `blob ${digest} for ${ctx.target.registry}/${ctx.target.repository} produced ${offset} bytes, expected ${size}`);
  }
  const put: TransportRequest = { method: 'PUT', url: uploadUrl(location.href, location, digest), headers: { 'Content-Length': '0' }, target: ctx.target };
  const done = await ctx.send(put);
  if (done.status !== 201 && done.status !== 204) throw await errorFromResponse(put, done);
  discardBody(done);
}
