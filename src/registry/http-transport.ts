/**
 * The core transport: node-fetch with one keep-alive agent per registry and host, never following
 * redirects itself (node-fetch leaks `Authorization` to another port on the same host,
 * MEASURED.md), and never decompressing (a blob's bytes must hash to its digest exactly as sent).
 * Every socket carries an idle timeout (idle-timeout.ts), so a peer that stops sending (or
 * reading) mid-request fails the request instead of hanging the build.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Readable } from 'node:stream';
import fetch from 'node-fetch';
import { armIdleTimeout } from './idle-timeout.js';
import { tlsAgentOptions } from './tls-material.js';
import type { Transport } from './transport.js';

/** Per-registry TLS and plain-HTTP settings (`--insecure-registry`, `--skip-tls-verify`, certificates). */
export interface TransportPolicy {
  /** Plain HTTP is allowed when HTTPS does not answer. */
  readonly insecure: boolean;
  /** Accept any TLS certificate from this registry. */
  readonly skipTlsVerify: boolean;
  /** PEM files of extra CAs trusted for this registry, in addition to the system roots. */
  readonly caCertificates?: readonly string[];
  /** PEM files of a client certificate and its key, for registries that require mutual TLS. */
  readonly clientCertificate?: { readonly cert: string; readonly key: string };
}

/** Default idle timeout of a socket: generous, because a registry may be silent while it commits a multi-GB blob to its storage. */
export const DEFAULT_IDLE_TIMEOUT_MS = 120_000;

/** Keep-alive agents keyed by registry, scheme and host, so TLS settings never leak between registries. */
export class AgentPool {
  private readonly agents = new Map<string, Promise<HttpAgent>>();

  constructor(
    private readonly policy: (registry: string) => TransportPolicy,
    private readonly idleTimeoutMs = DEFAULT_IDLE_TIMEOUT_MS,
  ) {}

  /**
   * The agent for a request to `url` on behalf of `registry`, created on first use. The
   * registry's policy also covers hosts it redirects to (its storage), as kaniko's transport does.
   */
  agentFor(url: URL, registry: string): Promise<HttpAgent> {
    const key = `${registry}|${url.protocol}//${url.host}`;
    let agent = this.agents.get(key);
    if (!agent) {
      agent = this.create(url, registry);
      this.agents.set(key, agent);
      agent.catch(() => this.agents.delete(key));
    }
    return agent;
  }

  private async create(url: URL, registry: string): Promise<HttpAgent> {
    if (url.protocol !== 'https:') return armIdleTimeout(new HttpAgent({ keepAlive: true }), this.idleTimeoutMs);
    const tls = await tlsAgentOptions(this.policy(registry), registry);
    return armIdleTimeout(new HttpsAgent({ keepAlive: true, ...tls }), this.idleTimeoutMs);
  }

  /** Closes every pooled connection. */
  destroy(): void {
    for (const agent of this.agents.values()) agent.then((a) => a.destroy(), () => undefined);
    this.agents.clear();
  }
}

/** node-fetch's body type knows Buffer but not a bare Uint8Array; this view copies nothing. */
function asBodyInit(body: Uint8Array | Readable): Buffer | Readable {
  return body instanceof Uint8Array ? Buffer.from(body.buffer, body.byteOffset, body.byteLength) : body;
}

/** A transport that performs exactly one HTTP exchange per call. */
export function httpTransport(agents: AgentPool): Transport {
  return async (req) => {
    const res = await fetch(req.url.href, {
      method: req.method,
      headers: { 'User-Agent': 'tsbuild', ...req.headers },
      ...(req.body === undefined ? {} : { body: asBodyInit(req.body) }),
      redirect: 'manual',
      compress: false,
      agent: await agents.agentFor(req.url, req.target.registry),
    });
    return {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
      // node-fetch v3 bodies are Node streams; typed as the web-compatible union.
      body: res.body as Readable | null,
      url: req.url,
    };
  };
}
