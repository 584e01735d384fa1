/**
 * The core transport: node-fetch with one keep-alive agent per host, never following redirects
 * itself (node-fetch leaks `Authorization` to another port on the same host, MEASURED.md), and
 * never decompressing (a blob's bytes must hash to its digest exactly as sent).
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Readable } from 'node:stream';
import fetch from 'node-fetch';
import type { Transport } from './transport.js';

/** Per-host TLS and plain-HTTP settings (`--insecure-registry`, `--skip-tls-verify`). */
export interface TransportPolicy {
  /** Plain HTTP is allowed when HTTPS does not answer. */
  readonly insecure: boolean;
  /** Accept any TLS certificate from this host. */
  readonly skipTlsVerify: boolean;
}

/** Keep-alive agents keyed by scheme and host, so TLS settings never leak between hosts. */
export class AgentPool {
  private readonly agents = new Map<string, HttpAgent>();

  constructor(private readonly policy: (host: string) => TransportPolicy) {}

  /** The agent for a URL, created on first use. */
  agentFor(url: URL): HttpAgent {
    const key = `${url.protocol}//${url.host}`;
    let agent = this.agents.get(key);
    if (!agent) {
      agent =
        url.protocol === 'https:'
          ? new HttpsAgent({ keepAlive: true, rejectUnauthorized: !this.policy(url.host).skipTlsVerify })
          : new HttpAgent({ keepAlive: true });
      this.agents.set(key, agent);
    }
    return agent;
  }

  /** Closes every pooled connection. */
  destroy(): void {
    for (const agent of this.agents.values()) agent.destroy();
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
      agent: agents.agentFor(req.url),
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
