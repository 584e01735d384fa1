/**
 * Pulling through mirrors, as kaniko does it: `--registry-mirror HOST[/PREFIX]` stands in front of
 * Docker Hub and `--registry-map ORIG=HOST[/PREFIX]` in front of any registry. A mirror's prefix
 * is put before the WHOLE repository path, `library/` included (kaniko's `remapRepository`):
 * `--registry-mirror mirror.gcr.io` pulls `alpine` from `mirror.gcr.io/library/alpine`, and
 * `--registry-mirror m.example/hub` from `m.example/hub/library/alpine`. Endpoints are tried in
 * order; one that fails in any way (404, refused connection, auth) is passed over with a debug
 * line; then the registry itself, unless the default fallback is skipped. The image's layers
 * carry the endpoint they were read from as their origin.
 */
import type { Logger } from '../log/index.js';
import { DOCKER_HUB, formatReference, type Platform, parseReference, type Reference, referenceIdentifier, TsbuildError, UsageError } from '../oci/index.js';
import { RegistryError, type RegistryClient } from '../registry/index.js';
import { remoteImage } from './remote.js';
import type { Image } from './types.js';

/** Endpoints (`host[:port][/prefix]`) to try before each registry, in order. */
export interface RegistryMirrors {
  /** Keyed by registry as references name it (`docker.io`, `gcr.io`, `127.0.0.1:5000`). */
  readonly maps: ReadonlyMap<string, readonly string[]>;
  /** When every endpoint failed, fail rather than ask the registry itself (`--skip-default-registry-fallback`). */
  readonly skipDefaultFallback: boolean;
}

/** How a base image is pulled. */
export interface PullOptions {
  readonly mirrors?: RegistryMirrors;
  /**
   * Retries of resolving the image from one source after its first try (kaniko
   * `--image-download-retry`, default 0), with backoff from 1 s, on temporary failures.
   */
  readonly retries?: number;
  readonly logger?: Logger;
  /** Waits between attempts; tests pass a recorder. */
  readonly sleep?: (ms: number) => Promise<void>;
}

const HUB_NAMES: ReadonlySet<string> = new Set([DOCKER_HUB, 'index.docker.io', 'registry-1.docker.io']);
const RETRY_BASE_MS = 1_000;

function registryKey(name: string): string {
  const key = name.trim().toLowerCase();
  return HUB_NAMES.has(key) ? DOCKER_HUB : key;
}

function checkEndpoint(endpoint: string, flag: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint)) {
    throw new UsageError(`${flag} ${endpoint}: give host[:port][/path] without a scheme (plain HTTP is --insecure-registry)`);
  }
  const host = endpoint.split('/')[0] ?? '';
  if (!(host.includes('.') || host.includes(':') || host === 'localhost')) {
    throw new UsageError(`${flag} ${endpoint}: ${JSON.stringify(host)} is not a registry host (it needs a dot, a port, or to be localhost)`);
  }
  return endpoint.replace(/\/+$/, '');
}

/**
 * Builds the mirror table from kaniko's flags: `--registry-mirror` values (each may hold several
 * `;`-separated mirrors, as `KANIKO_REGISTRY_MIRROR` does) go in front of Docker Hub after the
 * `--registry-map` entries (`ORIG=NEW`, several joined by `;`, the same ORIG repeated for more).
 */
export function registryMirrors(input: { mirrors?: readonly string[]; maps?: readonly string[]; skipDefaultFallback?: boolean }): RegistryMirrors {
  const maps = new Map<string, string[]>();
  const add = (registry: string, endpoint: string) => maps.set(registry, [...(maps.get(registry) ?? []), endpoint]);
  for (const value of input.maps ?? []) {
    for (const pair of value.split(';').filter((p) => p.trim() !== '')) {
      const eq = pair.indexOf('=');
      if (eq <= 0 || eq === pair.length - 1) throw new UsageError(`--registry-map ${pair}: expected ORIGINAL=MIRROR[/path]`);
      add(registryKey(pair.slice(0, eq)), checkEndpoint(pair.slice(eq + 1).trim(), '--registry-map'));
    }
  }
  for (const value of input.mirrors ?? []) {
    for (const mirror of value.split(';').filter((m) => m.trim() !== '')) add(DOCKER_HUB, checkEndpoint(mirror.trim(), '--registry-mirror'));
  }
  return { maps, skipDefaultFallback: input.skipDefaultFallback ?? false };
}

/** `ref` as found at `endpoint`: its host, and its prefix before the whole repository path. */
export function mirrorReference(ref: Reference, endpoint: string): Reference {
  const slash = endpoint.indexOf('/');
  const host = slash < 0 ? endpoint : endpoint.slice(0, slash);
  const prefix = slash < 0 ? '' : `${endpoint.slice(slash + 1)}/`;
  const pin = ref.digest ? `@${ref.digest}` : `:${referenceIdentifier(ref)}`;
  return parseReference(`${host}/${prefix}${ref.repository}${pin}`);
}

async function withRetries(ref: Reference, platform: Platform, client: RegistryClient, options: PullOptions): Promise<Image> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 0; ; attempt++) {
    try {
      return await remoteImage(client, ref, platform);
    } catch (err) {
      if (attempt >= (options.retries ?? 0) || !(err instanceof RegistryError) || !err.temporary) throw err;
      const wait = RETRY_BASE_MS * 2 ** attempt;
      options.logger?.warn({ image: formatReference(ref), attempt: attempt + 1, wait, err: err.message }, 'image download failed; trying again');
      await sleep(wait);
    }
  }
}

/** `remoteImage`, through the mirrors configured for `ref`'s registry first. */
export async function remoteImageWithMirrors(client: RegistryClient, ref: Reference, platform: Platform, options: PullOptions = {}): Promise<Image> {
  const endpoints = options.mirrors?.maps.get(ref.registry) ?? [];
  const failures: string[] = [];
  for (const endpoint of endpoints) {
    const mirrored = mirrorReference(ref, endpoint);
    try {
      const img = await withRetries(mirrored, platform, client, options);
      options.logger?.debug({ image: formatReference(ref), from: formatReference(mirrored) }, 'pulled through mirror');
      return img;
    } catch (err) {
      // A mirror that fails in any way is passed over (kaniko does the same); a bad flag is not a mirror's fault.
      if (!(err instanceof TsbuildError) || err.code === 'TSB_USAGE') throw err;
      failures.push(`${formatReference(mirrored)}: ${err.message}`);
      options.logger?.debug({ image: formatReference(ref), mirror: endpoint, err: err.message }, 'mirror failed; trying the next source');
    }
  }
  if (endpoints.length > 0 && options.mirrors?.skipDefaultFallback) {
    throw new TsbuildError(
      'TSB_REGISTRY',
      `${formatReference(ref)} was not found on any mirror of ${ref.registry}, and falling back to ${ref.registry} is disabled: ${failures.join('; ')}`,
    );
  }
  return withRetries(ref, platform, client, options);
}
