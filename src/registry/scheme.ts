/**
 * Which scheme and host a registry's API is reached at. Docker Hub lives at
 * `registry-1.docker.io`. Like Docker, loopback registries (`localhost`, `127.0.0.0/8`, `::1`) and
 * hosts marked insecure may speak plain HTTP: HTTPS is tried first (`GET /v2/`) and plain HTTP
 * used when no TLS connection can be made; the answer is cached per host. A certificate that
 * fails verification is reported, not silently downgraded, so the user learns about
 * `--skip-tls-verify`. Every other host is HTTPS only.
 */
import { DOCKER_HUB, DOCKER_HUB_API, TsbuildError } from '../oci/index.js';
import type { TransportPolicy } from './http-transport.js';
import { RegistryError } from './registry-error.js';
import { discardBody, type Transport } from './transport.js';

const CONNECTION_ERROR: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const CERT_ERROR = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS_CERT|HOSTNAME_MISMATCH/;

/** The host[:port] the API of `registry` lives at. */
export function apiHost(registry: string): string {
  return registry === DOCKER_HUB ? DOCKER_HUB_API : registry;
}

/** `localhost`, `127.x.y.z` and `::1`, with or without a port. */
export function isLoopback(host: string): boolean {
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
  return name === 'localhost' || name === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

function errorCode(err: unknown): string {
  const e = err as { code?: unknown; cause?: { code?: unknown } };
  return String(e.code ?? e.cause?.code ?? '');
}

/** Resolves `https://host` or `http://host` per registry, probing at most once per host. */
export class SchemeResolver {
  private readonly bases = new Map<string, Promise<string>>();

  constructor(
    private readonly policy: (host: string) => TransportPolicy,
    private readonly probe: Transport,
  ) {}

  /** The base URL (`scheme://host`) of the registry's API. */
  base(registry: string): Promise<string> {
    let base = this.bases.get(registry);
    if (!base) {
      const probed = this.resolve(registry);
      base = probed.then((p) => p.base);
      this.bases.set(registry, base);
      // An unreachable HTTPS port is not an answer to keep: the registry may be starting.
      probed.then((p) => p.final || this.bases.delete(registry), () => this.bases.delete(registry));
    }
    return base;
  }

  private async resolve(registry: string): Promise<{ base: string; final: boolean }> {
    const host = apiHost(registry);
    if (!this.policy(registry).insecure && !isLoopback(host)) return { base: `https://${host}`, final: true };
    const url = new URL(`https://${host}/v2/`);
    try {
      discardBody(await this.probe({ method: 'GET', url, headers: {}, target: { registry, apiHost: host, repository: '', scopes: [] } }));
      return { base: `https://${host}`, final: true };
    } catch (err) {
      // Our own errors (an unreadable CA file) are answers about the configuration, not about TLS.
      if (err instanceof TsbuildError) throw err;
      const code = errorCode(err);
      if (CERT_ERROR.test(code)) {
        throw new RegistryError(
          { registry, repository: '', method: 'GET', url: url.href },
          `TLS certificate of ${host} was not accepted (${code}); use --skip-tls-verify for this registry to accept it`,
          { cause: err },
        );
      }
      // A TLS handshake that fails (plain HTTP on that port) is a lasting answer; a refused
      // connection is not, since HTTP may be served on another port (80 vs 443) or later.
      return { base: `http://${host}`, final: !CONNECTION_ERROR.has(code) };
    }
  }
}
