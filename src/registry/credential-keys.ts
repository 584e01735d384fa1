/**
 * Which `auths` / `credHelpers` key in a Docker config belongs to a registry. People write keys
 * as `host`, `https://host`, `http://host/v1/`, and Docker Hub under any of its names; Docker's
 * own `docker login` writes `https://index.docker.io/v1/` for the Hub.
 */
import { DOCKER_HUB } from '../oci/index.js';

const HUB_ALIASES: ReadonlySet<string> = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** The server address credential helpers are asked about for a registry (Docker's spelling). */
export function helperServerUrl(registry: string): string {
  return normaliseRegistryKey(registry) === DOCKER_HUB ? 'https://index.docker.io/v1/' : registry;
}

/** `https://Index.Docker.io/v1/` → `docker.io`; `http://host:5000/v2/` → `host:5000`. */
export function normaliseRegistryKey(key: string): string {
  const host = key
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .split('/')[0]!
    .toLowerCase();
  return HUB_ALIASES.has(host) ? DOCKER_HUB : host;
}

/** The key of `entries` that names `registry`: an exact match first, then any equivalent spelling. */
export function findRegistryKey(keys: Iterable<string>, registry: string): string | undefined {
  const list = [...keys];
  if (list.includes(registry)) return registry;
  const wanted = normaliseRegistryKey(registry);
  return list.find((k) => normaliseRegistryKey(k) === wanted);
}
