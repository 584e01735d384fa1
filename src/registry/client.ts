/**
 * The distribution API client: manifests and blobs by registry and repository. It is a thin
 * layer over the transport stack (auth ← retry ← redirects ← logging ← http) built once per
 * client; one client per purpose (pull, push) carries that purpose's TLS and HTTP policy.
 */
import type { Readable } from 'node:stream';
import type { Logger } from '../log/index.js';
import { type Digest, DigestMismatchError, isDigest, MANIFEST_ACCEPT, splitDigest, TsbuildError } from '../oci/index.js';
import type { CredentialStore } from './credentials.js';
import { AgentPool, httpTransport, type TransportPolicy } from './http-transport.js';
import { digestOf, manifestMediaType } from './manifest-bytes.js';
import { RegistryError } from './registry-error.js';
import { redactUrl } from './redact-url.js';
import { errorFromResponse, readCapped } from './response-error.js';
import { resumableBody } from './resumable-body.js';
import { apiHost, SchemeResolver } from './scheme.js';
import { discardBody, type Transport, type TransportRequest } from './transport.js';
import { mountBlob, probePushAccess, type UploadContext, uploadBlob } from './upload.js';
import { DEFAULT_CHUNK_BYTES } from './upload-chunked.js';
import { withAuth } from './with-auth.js';
import { withLogging } from './with-logging.js';
import { withRedirects } from './with-redirects.js';
import { backoffMs, connectionError, realSleep, withRetry } from './with-retry.js';

/** Largest manifest accepted (containerd's limit); anything bigger is not a manifest. */
const MANIFEST_CAP = 4 * 1024 * 1024;

export interface RegistryClientOptions {
  /** TLS / plain-HTTP policy per registry; the CLI builds one client for pull and one for push. */
  policy(registry: string): TransportPolicy;
  credentials: CredentialStore;
  logger: Logger;
  /**
   * Retries of each request after its first try on temporary failures (5xx, 429, dropped or
   * stalled connections, broken bodies); default 3, like go-containerregistry's transport.
   */
  retries?: number;
  /** A socket with no traffic for this long (and not held back by a slow reader) fails its request, temporarily; default 120 s. */
  idleTimeoutMs?: number;
  /** Chunk size when a registry refuses whole-blob uploads; default 3 MiB. */
  uploadChunkBytes?: number;
}

/** A manifest or index exactly as the registry served it. */
export interface FetchedManifest {
  readonly bytes: Uint8Array;
  readonly mediaType: string;
  readonly digest: Digest;
}

/** Which token scope a request needs. */
export type Access = 'pull' | 'push';

/** Talks to registries; every method names the registry and repository it acts on. */
export class RegistryClient {
  private readonly agents: AgentPool;
  private readonly send: Transport;
  private readonly schemes: SchemeResolver;
  private readonly retries: number;
  private readonly logger: Logger;
  private readonly chunking: UploadContext['chunking'];

  constructor(options: RegistryClientOptions) {
    this.retries = options.retries ?? 3;
    this.logger = options.logger;
    this.chunking = { bytes: options.uploadChunkBytes ?? DEFAULT_CHUNK_BYTES, registries: new Set() };
    this.agents = new AgentPool((registry) => options.policy(registry), options.idleTimeoutMs);
    const http = withLogging(httpTransport(this.agents), options.logger);
    const plain = withRetry(withRedirects(http), { retries: this.retries, logger: options.logger });
    this.send = withAuth(plain, { credentials: options.credentials, tokenTransport: plain });
    this.schemes = new SchemeResolver((registry) => options.policy(registry), http);
  }

  private async request(registry: string, repository: string, access: Access, method: TransportRequest['method'], path: string, headers: Record<string, string> = {}): Promise<TransportRequest> {
    const scopes = [`repository:${repository}:${access === 'push' ? 'pull,push' : 'pull'}`];
    const url = new URL(`${await this.schemes.base(registry)}/v2/${repository}/${path}`);
    return { method, url, headers, target: { registry, apiHost: apiHost(registry), repository, scopes } };
  }

  /** Sends a GET and reads its (small) body, asking again when the body breaks on the way. */
  private async getSmall(req: TransportRequest, cap: number): Promise<{ body: Buffer | undefined; contentType: string | null }> {
    for (let attempt = 0; ; attempt++) {
      const res = await this.send(req);
      if (res.status !== 200) throw await errorFromResponse(req, res);
      try {
        return { body: await readCapped(res.body, cap), contentType: res.headers.get('content-type') };
      } catch (err) {
        const error = connectionError(req, err);
        if (attempt >= this.retries || !(error instanceof RegistryError) || !error.temporary) throw error;
        this.logger.debug({ url: error.url, attempt: attempt + 1 }, `retrying after: ${error.message}`);
        await realSleep(backoffMs(attempt));
      }
    }
  }

  /** GETs a manifest or index by tag or digest; a digest reference is checked against the bytes. */
  async getManifest(registry: string, repository: string, reference: string): Promise<FetchedManifest> {
    const req = await this.request(registry, repository, 'pull', 'GET', `manifests/${reference}`, { Accept: MANIFEST_ACCEPT.join(', ') });
    const { body, contentType } = await this.getSmall(req, MANIFEST_CAP);
    if (!body) throw new TsbuildError('TSB_MANIFEST_INVALID', `manifest ${registry}/${repository}:${reference} is larger than ${MANIFEST_CAP} bytes`);
    const bytes = new Uint8Array(body);
    const digest = digestOf(bytes, isDigest(reference) ? splitDigest(reference).algorithm : 'sha256');
    if (isDigest(reference) && digest !== reference) throw new DigestMismatchError(reference, digest, `${registry}/${repository}@${reference}`);
    return { bytes, mediaType: manifestMediaType(contentType, bytes), digest };
  }

  /** HEADs a blob: true when the repository has it. A pusher asks with `push` access (one token for the whole push). */
  async blobExists(registry: string, repository: string, digest: Digest, access: Access = 'pull'): Promise<boolean> {
    const req = await this.request(registry, repository, access, 'HEAD', `blobs/${digest}`);
    const res = await this.send(req);
    discardBody(res);
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    throw await errorFromResponse(req, res);
  }

  private async openBlobAt(registry: string, repository: string, digest: Digest, size: number | undefined, offset: number): Promise<{ body: Readable; skip: number }> {
    const range: Record<string, string> = offset > 0 ? { Range: `bytes=${offset}-` } : {};
    const req = await this.request(registry, repository, 'pull', 'GET', `blobs/${digest}`, range);
    const res = await this.send(req);
    if ((res.status !== 200 && res.status !== 206) || res.body === null) throw await errorFromResponse(req, res);
    const length = res.headers.get('content-length');
    const expected = size === undefined ? undefined : size - (res.status === 206 ? offset : 0);
    if (expected !== undefined && length !== null && Number(length) !== expected) {
      res.body.destroy();
      throw new TsbuildError('TSB_DIGEST_MISMATCH', `blob ${registry}/${repository}@${digest} is ${length} bytes, expected ${expected}`);
    }
    if (res.status === 206 && !(res.headers.get('content-range') ?? '').startsWith(`bytes ${offset}-`)) {
      res.body.destroy();
      throw new TsbuildError('TSB_REGISTRY', `GET ${redactUrl(res.url)}: asked for bytes from ${offset}, got ${res.headers.get('content-range')}`);
    }
    return { body: res.body, skip: res.status === 206 ? 0 : offset };
  }

  /**
   * The blob's bytes as a stream, NOT verified: callers pipe it through `image/verifyStream`
   * (image/remote.ts does). Redirects to storage are followed without credentials; a broken
   * download resumes where it stopped (resumable-body.ts).
   */
  async openBlobUnverified(registry: string, repository: string, digest: Digest, size?: number): Promise<Readable> {
    const { body } = await this.openBlobAt(registry, repository, digest, size, 0);
    return resumableBody({
      first: body,
      size,
      reopen: (offset) => this.openBlobAt(registry, repository, digest, size, offset),
      retries: this.retries,
      logger: this.logger,
      what: { registry, repository, url: `${registry}/${repository}@${digest}` },
    });
  }

  private async uploadContext(registry: string, repository: string): Promise<UploadContext> {
    const probe = await this.request(registry, repository, 'push', 'POST', '');
    return { send: this.send, repoUrl: probe.url.href, target: probe.target, retries: this.retries, logger: this.logger, chunking: this.chunking };
  }

  /** Links a blob from `fromRepository` on the same registry; false when the registry declined. */
  async mountBlob(registry: string, repository: string, digest: Digest, fromRepository: string): Promise<boolean> {
    return mountBlob(await this.uploadContext(registry, repository), digest, fromRepository);
  }

  /** Uploads a blob from a stream; `open` is called again if the upload must restart. */
  async uploadBlob(registry: string, repository: string, digest: Digest, size: number, open: () => Promise<Readable>): Promise<void> {
    return uploadBlob(await this.uploadContext(registry, repository), digest, size, open);
  }

  /** Proves that the credentials may push to the repository: opens an upload session and cancels it. */
  async probePushAccess(registry: string, repository: string): Promise<void> {
    return probePushAccess(await this.uploadContext(registry, repository));
  }

  /** PUTs a manifest under a tag or digest and returns its digest (checked against the registry's). */
  async putManifest(registry: string, repository: string, reference: string, bytes: Uint8Array, mediaType: string): Promise<Digest> {
    const digest = digestOf(bytes);
    if (isDigest(reference) && reference !== digest) throw new DigestMismatchError(reference, digest, `manifest for ${registry}/${repository}`);
    const req = { ...(await this.request(registry, repository, 'push', 'PUT', `manifests/${reference}`, { 'Content-Type': mediaType })), body: bytes };
    const res = await this.send(req);
    if (res.status !== 201 && res.status !== 200 && res.status !== 204) throw await errorFromResponse(req, res);
    discardBody(res);
    const theirs = res.headers.get('docker-content-digest');
    if (theirs !== null && theirs.startsWith('sha256:') && theirs !== digest) {
      throw new DigestMismatchError(digest, theirs, `registry's digest of the manifest pushed to ${registry}/${repository}:${reference}`);
    }
    return digest;
  }

  /** Closes pooled connections; the client must not be used afterwards. */
  close(): void {
    this.agents.destroy();
  }
}
