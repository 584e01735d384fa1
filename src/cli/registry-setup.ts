/**
 * From kaniko's registry flags to the two registry clients (pull and push) and the base-image
 * puller: per-registry TLS and plain-HTTP policy, CA and client certificates, mirrors, retries.
 */
import { registryMirrors, remoteImageWithMirrors, type Image } from '../image/index.js';
import type { Logger } from '../log/index.js';
import { DOCKER_HUB, UsageError, type Platform, type Reference } from '../oci/index.js';
import { loadCredentials, RegistryClient, type TransportPolicy } from '../registry/index.js';
import type { BuildOptions } from './options.js';

export interface RegistrySetup {
  readonly pull: RegistryClient;
  readonly push: RegistryClient;
  readonly pullImage: (ref: Reference, platform: Platform) => Promise<Image>;
}

/** The registry flags; the warmer has only the pull side, and passes `false` for the push side. */
export type RegistryFlags = Pick<
  BuildOptions,
  | 'insecure' | 'insecurePull' | 'skipTlsVerify' | 'skipTlsVerifyPull' | 'insecureRegistries' | 'skipTlsVerifyRegistries'
  | 'registryCertificates' | 'registryClientCerts' | 'registryMirrors' | 'registryMaps' | 'skipDefaultRegistryFallback' | 'imageDownloadRetry'
> &
  Partial<Pick<BuildOptions, 'imageFsExtractRetry'>>;

/** Retries of one registry request when the client is not told otherwise (RegistryClient's default). */
const REQUEST_RETRIES = 3;

const HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
/** Flag values name Docker Hub in several ways; references always say `docker.io`. */
const registryKey = (name: string) => (HUB_ALIASES.has(name) ? DOCKER_HUB : name);

function byRegistry<T>(pairs: readonly (readonly [string, T])[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const [registry, value] of pairs) map.set(registryKey(registry), [...(map.get(registryKey(registry)) ?? []), value]);
  return map;
}

function clientCertificates(o: RegistryFlags): Map<string, { cert: string; key: string }> {
  const certs = new Map<string, { cert: string; key: string }>();
  for (const [registry, value] of o.registryClientCerts) {
    const [cert, key, ...rest] = value.split(',');
    if (!cert || !key || rest.length > 0) throw new UsageError(`--registry-client-cert ${registry}=${value}: expected REG=CERT,KEY`);
    certs.set(registryKey(registry), { cert, key });
  }
  return certs;
}

type Purpose = 'pull' | 'push';

function policyFor(o: RegistryFlags, purpose: Purpose): (registry: string) => TransportPolicy {
  const cas = byRegistry(o.registryCertificates);
  const certs = clientCertificates(o);
  const skipVerify = new Set(o.skipTlsVerifyRegistries.map(registryKey));
  const insecure = new Set(o.insecureRegistries.map(registryKey));
  return (registry) => {
    const key = registryKey(registry);
    const ca = cas.get(key);
    const cert = certs.get(key);
    return {
      insecure: (purpose === 'pull' ? o.insecurePull : o.insecure) || insecure.has(key),
      skipTlsVerify: (purpose === 'pull' ? o.skipTlsVerifyPull : o.skipTlsVerify) || skipVerify.has(key),
      ...(ca ? { caCertificates: ca } : {}),
      ...(cert ? { clientCertificate: cert } : {}),
    };
  };
}

/** Builds both clients and the mirror-aware puller; flag values are validated here. */
export async function registrySetup(o: RegistryFlags, env: Readonly<Record<string, string | undefined>>, logger: Logger): Promise<RegistrySetup> {
  const credentials = await loadCredentials({ REGISTRY_AUTH_FILE: env['REGISTRY_AUTH_FILE'], DOCKER_CONFIG: env['DOCKER_CONFIG'], HOME: env['HOME'] });
  // kaniko's --image-fs-extract-retry retries extracting base layers; here their downloads, which
  // are the pull client's blob requests, get that many more retries each.
  const pullRetries = REQUEST_RETRIES + (o.imageFsExtractRetry ?? 0);
  const pull = new RegistryClient({ policy: policyFor(o, 'pull'), credentials, logger, retries: pullRetries });
  const push = new RegistryClient({ policy: policyFor(o, 'push'), credentials, logger });
  const mirrors = registryMirrors({ mirrors: o.registryMirrors, maps: o.registryMaps, skipDefaultFallback: o.skipDefaultRegistryFallback });
  return {
    pull,
    push,
    pullImage: (ref, platform) => remoteImageWithMirrors(pull, ref, platform, { mirrors, retries: o.imageDownloadRetry, logger }),
  };
}
