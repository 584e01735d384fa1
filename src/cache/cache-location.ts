/**
 * Where `--cache-repo` puts the layer cache. kaniko's rule for the default: the first
 * destination's repository with `/cache` appended (`reg/team/app:1.4` → `reg/team/app/cache`).
 * `oci:/path` is a local OCI layout instead, which needs no registry at all.
 */
import { parseReference, UsageError } from '../oci/index.js';

/** A registry repository or a local layout directory. */
export type CacheLocation =
  | { readonly kind: 'registry'; readonly registry: string; readonly repository: string }
  | { readonly kind: 'layout'; readonly dir: string };

const LAYOUT_PREFIX = 'oci:';

/** Resolves `--cache-repo` (or its default from the destinations) to a location. */
export function cacheLocation(cacheRepo: string | undefined, destinations: readonly string[]): CacheLocation {
  if (cacheRepo !== undefined && cacheRepo.startsWith(LAYOUT_PREFIX)) {
    const dir = cacheRepo.slice(LAYOUT_PREFIX.length);
    if (dir === '') throw new UsageError(`--cache-repo ${cacheRepo}: give a directory after "oci:"`);
    return { kind: 'layout', dir };
  }
  if (cacheRepo === undefined || cacheRepo === '') {
    const first = destinations[0];
    if (first === undefined) throw new UsageError('--cache needs --cache-repo when there is no --destination to derive it from');
    const dest = parseReference(first);
    return { kind: 'registry', registry: dest.registry, repository: `${dest.repository}/cache` };
  }
  const lastPart = cacheRepo.slice(cacheRepo.lastIndexOf('/') + 1);
  if (lastPart.includes(':') || cacheRepo.includes('@')) {
    throw new UsageError(`--cache-repo ${cacheRepo}: give a repository without tag or digest; entries are tagged by their cache keys`);
  }
  const ref = parseReference(cacheRepo);
  return { kind: 'registry', registry: ref.registry, repository: ref.repository };
}
