/**
 * Blob uploads and cross-repository mounts. An upload is monolithic (`POST` a session, `PUT` the
 * bytes with `?digest=`) unless the registry refused that before: then it is chunked
 * (upload-chunked.ts), and the client remembers to chunk for that registry from then on. A
 * streamed body cannot be sent twice, so a temporary failure restarts the whole upload from a
 * fresh `open()`, in a fresh session.
 */
import type { Readable } from 'node:stream';
import type { Digest } from '../oci/index.js';
import { RegistryError } from './registry-error.js';
import { errorFromResponse } from './response-error.js';
import { discardBody, type TransportRequest } from './transport.js';
import { uploadChunked, WANTS_CHUNKS } from './upload-chunked.js';
import { cancelSession, nextLocation, startSession, type UploadContext, type UploadSession, uploadUrl } from './upload-session.js';
import { backoffMs, realSleep } from './with-retry.js';

export type { UploadContext } from './upload-session.js';

/** PUTs the whole blob; 'wants-chunks' when the registry refused it for its size. */
async function putWhole(ctx: UploadContext, session: UploadSession, digest: Digest, size: number, open: () => Promise<Readable>): Promise<'done' | 'wants-chunks'> {
  const body = await open();
  try {
    const headers = { 'Content-Type': 'application/octet-stream', 'Content-Length': String(size) };
    const put: TransportRequest = { method: 'PUT', url: uploadUrl(session.url.href, session.url, digest), headers, body, target: ctx.target };
    const done = await ctx.send(put);
    if (WANTS_CHUNKS.has(done.status)) {
      discardBody(done);
      return 'wants-chunks';
    }
    if (done.status !== 201 && done.status !== 204) throw await errorFromResponse(put, done);
    discardBody(done);
    return 'done';
  } finally {
    body.destroy();
  }
}

async function uploadOnce(ctx: UploadContext, digest: Digest, size: number, open: () => Promise<Readable>): Promise<void> {
  const { registry } = ctx.target;
  const session = await startSession(ctx);
  if (ctx.chunking.registries.has(registry) && size > ctx.chunking.bytes) return uploadChunked(ctx, session, digest, size, open);
  if ((await putWhole(ctx, session, digest, size, open)) === 'done') return;
  ctx.logger.debug({ registry, digest, size }, 'registry refused the blob in one request; uploading it in chunks');
  ctx.chunking.registries.add(registry);
  await cancelSession(ctx, session.url);
  await uploadChunked(ctx, await startSession(ctx), digest, size, open);
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
  let res;
  try {
    res = await ctx.send(post);
  } catch (err) {
    // No pull access to the source repository is a declined mount, not a failed push: upload instead.
    if (!(err instanceof RegistryError) || err.code !== 'TSB_REGISTRY_AUTH') throw err;
    ctx.logger.debug({ digest, from, err: err.message }, 'mount refused; the blob will be uploaded');
    return false;
  }
  if (res.status === 201) {
    discardBody(res);
    return true;
  }
  if (res.status !== 202) throw await errorFromResponse(post, res);
  discardBody(res);
  // The registry opened an ordinary upload session instead; close it rather than leave it dangling.
  if (res.headers.get('location')) await cancelSession(ctx, nextLocation(post, res));
  return false;
}

/**
 * What go-containerregistry's `CheckPushPermission` does: open an upload session with a
 * push-scoped token (which proves the credentials may push), then cancel it.
 */
export async function probePushAccess(ctx: UploadContext): Promise<void> {
  const session = await startSession(ctx);
  await cancelSession(ctx, session.url);
}
