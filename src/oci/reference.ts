/**
 * Image references as Docker normalises them: `alpine` is `docker.io/library/alpine:latest`,
 * `localhost:5000/app` keeps its registry, a digest pins the manifest.
 */
import { TsbuildError } from './errors.js';
import { type Digest, parseDigest } from './digest.js';

export const DOCKER_HUB = 'docker.io';
/** The host Docker Hub's API really lives at. */
export const DOCKER_HUB_API = 'registry-1.docker.io';

/** A parsed, normalised reference; only `parseReference` creates one. */
export interface Reference {
  /** Registry host[:port], `docker.io` for Docker Hub. */
  readonly registry: string;
  /** Repository path within the registry, `library/alpine` for official images. */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: Digest;
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;

function isRegistryHost(part: string): boolean {
  return part.includes('.') || part.includes(':') || part === 'localhost';
}

/** Parses and normalises an image reference; a bare name gets the tag `latest`. */
export function parseReference(text: string): Reference {
  const invalid = (why: string) =>
    new TsbuildError('TSB_REFERENCE_INVALID', `invalid image reference ${JSON.stringify(text)}: ${why}`);
  let rest = text.trim();
  let digest: Digest | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    try {
      digest = parseDigest(rest.slice(at + 1));
    } catch {
      throw invalid('bad digest');
    }
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw invalid('bad tag');
  }
  const parts = rest.split('/');
  let registry = DOCKER_HUB;
  if (parts.length > 1 && isRegistryHost(parts[0]!)) registry = parts.shift()!;
  if (registry === 'index.docker.io' || registry === DOCKER_HUB_API) registry = DOCKER_HUB;
  if (parts.length === 0 || parts.some((p) => !COMPONENT.test(p))) throw invalid('repository must be lowercase name components');
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift('library');
  const repository = parts.join('/');
  if (!tag && !digest) tag = 'latest';
  return { registry, repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** `registry/repository` without tag or digest. */
export function repositoryName(ref: Reference): string {
  return `${ref.registry}/${ref.repository}`;
}

/** The full normalised form, e.g. `docker.io/library/alpine:3.19@sha256:…`. */
export function formatReference(ref: Reference): string {
  return `${repositoryName(ref)}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** What to ask the registry for: the digest when pinned, else the tag. */
export function referenceIdentifier(ref: Reference): string {
  return ref.digest ?? ref.tag ?? 'latest';
}

/** The same repository, pinned to a digest (tag dropped). */
export function withDigest(ref: Reference, digest: Digest): Reference {
  return { registry: ref.registry, repository: ref.repository, digest };
}
