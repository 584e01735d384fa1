/**
 * The distribution API client: manifests and blobs by registry and repository. It is a thin
 * layer over the transport stack (auth ← retry ← redirects ← logging ← http) built once per
 * client; one client per purpose (pull, push) carries that purpose's TLS and HTTP policy.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Logger } from '../log/index.js';
import {
  type Digest, DigestMismatchError, isDigest, isIndexMediaType, isManifestMediaType, MANIFEST_ACCEPT, MediaType,
  splitDigest, TsbuildError,
} from '../oci/index.js';
import type { CredentialStore } from './credentials.js';
import { AgentPool, httpTransport, type TransportPolicy } from './http-transport.js';
import { errorFromResponse, readCapped } from './response-error.js';
import { apiHost, SchemeResolver } from './scheme.js';
import { discardBody, type Transport, type TransportRequest } from './transport.js';
import { mountBlob, type UploadContext, uploadBlob } from './upload.js';
import { withAuth } from './with-auth.js';
import { withLogging } from './with-logging.js';
import { withRedirects } from './with-redirects.js';
import { withRetry } from './with-retry.js';

/** Largest manifest accepted (containerd's limit); anything bigger is not a manifest. */
const MANIFEST_CAP = 4 * 1024 * 1024;

export interface RegistryClientOptions {
  /** TLS / plain-HTTP policy per host; the CLI builds one client for pull and one for push. */
  policy(host: string): TransportPolicy;
  credentials: CredentialStore;
  logger: Logger;
  /** Retries of temporary failures (5xx, 429, dropped connections); default 3. */
  retries?: number;
}

/** A manifest or index exactly as the registry served it. */
export interface FetchedManifest {
  readonly bytes: Uint8Array;
  readonly mediaType: string;
  readonly digest: Digest;
}

type Access = 'pull' | 'push';

function digestOf(bytes: Uint8Array, algorithm = 'sha256'): Digest {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}` as Digest;
}

/** The manifest's media type: the Content-Type when it names one, else the document's own field. */
function manifestMediaType(contentType: string | null, bytes: Uint8Array): string {
  const header = contentType?.split(';')[0]?.trim();
  if (header && (isManifestMediaType(header) || isIndexMediaType(header) || header.startsWith('application/vnd.'))) return header;
  try {
    const doc = JSON.parse(Buffer.from(bytes).toString('utf8')) as { mediaType?: unknown; manifests?: unknown };
    if (typeof doc.mediaType === 'string') return doc.mediaType;
    return Array.isArray(doc.manifests) ? MediaType.ociIndex : MediaType.ociManifest;
  } catch {
    return header ?? MediaType.ociManifest;
  }
}

/** Talks to registries; every method names the registry and repository it acts on. */
export class RegistryClient {
  private readonly agents: AgentPool;
  private readonly send: Transport;
  private readonly schemes: SchemeResolver;
  private readonly retries: number;
  private readonly logger: Logger;

  constructor(options: RegistryClientOptions) {
    this.retries = options.retries ?? 3;
    this.logger = options.logger;
    this.agents = new AgentPool((host) => options.policy(host));
    const http = withLogging(httpTransport(this.agents), options.logger);
    const plain = withRetry(withRedirects(http), { retries: this.retries, logger: options.logger });
    this.send = withAuth(plain, { credentials: options.credentials, tokenTransport: plain });
    this.schemes = new SchemeResolver((host) => options.policy(host), http);
  }

  private async request(registry: string, repository: string, access: Access, method: TransportRequest['method'], path: string, headers: Record<string, string> = {}): Promise<TransportRequest> {
    const scopes = [`repository:${repository}:${access === 'push' ? 'pull,push' : 'pull'}`];
    const url = new URL(`${await this.schemes.base(registry)}/v2/${repository}/${path}`);
    return { method, url, headers, target: { registry, apiHost: apiHost(registry), repository, scopes } };
  }

  /** GETs a manifest or index by tag or digest; a digest reference is checked against the bytes. */
  async getManifest(registry: string, repository: string, reference: string): Promise<FetchedManifest> {
    const req = await this.request(registry, repository, 'pull', 'GET', `manifests/${reference}`, { Accept: MANIFEST_ACCEPT.join(', ') });
    const res = await this.send(req);
    if (res.status !== 200) throw await errorFromResponse(req, res);
    const body = await readCapped(res.body, MANIFEST_CAP);
    if (!body) throw new TsbuildError('TSB_MANIFEST_INVALID', `manifest ${registry}/${repository}:${reference} is larger than ${MANIFEST_CAP} bytes`);
    const bytes = new Uint8Array(body);
    const digest = digestOf(bytes, isDigest(reference) ? splitDigest(reference).algorithm : 'sha256');
    if (isDigest(reference) && digest !== reference) throw new DigestMismatchError(reference, digest, `${registry}/${repository}@${reference}`);
    return { bytes, mediaType: manifestMediaType(res.headers.get('content-type'), bytes), digest };
  }

  /** HEADs a blob: true when the repository has it. */
  async blobExists(registry: string, repository: string, digest: Digest): Promise<boolean> {
    const req = await this.request(registry, repository, 'pull', 'HEAD', `blobs/${digest}`);
    const res = await this.send(req);
    discardBody(res);
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    throw await errorFromResponse(req, res);
  }

  /**
   * The blob's bytes as a stream, NOT verified: callers pipe it through `image/verifyStream`
   * (image/remote.ts does). Redirects to storage are followed without credentials.
   */
  async openBlobUnverified(registry: string, repository: string, digest: Digest, size?: number): Promise<Readable> {
    const req = await this.request(registry, repository, 'pull', 'GET', `blobs/${digest}`);
    const res = await this.send(req);
    if (res.status !== 200 || res.body === null) throw await errorFromResponse(req, res);
    const length = res.headers.get('content-length');
    if (size !== undefined && length !== null && Number(length) !== size) {
      res.body.destroy();
      throw new TsbuildError('TSB_DIGEST_MISMATCH', `blob ${registry}/${repository}@${digest} is ${length} bytes, expected ${size}`);
    }
    return res.body;
  }

  private async uploadContext(registry: string, repository: string): Promise<UploadContext> {
    const probe = await this.request(registry, repository, 'push', 'POST', '');
    return { send: this.send, repoUrl: probe.url.href, target: probe.target, retries: this.retries, logger: this.logger };
  }

  /** Links a blob from `fromRepository` on the same registry; false when the registry declined. */
  async mountBlob(registry: string, repository: string, digest: Digest, fromRepository: string): Promise<boolean> {
    return mountBlob(await this.uploadContext(registry, repository), digest, fromRepository);
  }

  /** Uploads a blob from a stream; `open` is called again if the upload must restart. */
  async uploadBlob(registry: string, repository: string, digest: Digest, size: number, open: () => Promise<Readable>): Promise<void> {
    return uploadBlob(await this.uploadContext(registry, repository), digest, size, open);
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
