/**
 * The TLS settings of an https agent for one registry, read from the files the user named
 * (`--registry-certificate`, `--registry-client-cert`). Node's `ca` option REPLACES the built-in
 * roots, so extra CAs are appended to `tls.rootCertificates`: a corporate CA is trusted in
 * addition to the public ones, never instead of them.
 */
import { readFile } from 'node:fs/promises';
import type { AgentOptions as HttpsAgentOptions } from 'node:https';
import { rootCertificates } from 'node:tls';
import { UsageError } from '../oci/index.js';
import type { TransportPolicy } from './http-transport.js';

async function readPem(path: string, what: string, registry: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`${what} ${path} for registry ${registry} cannot be read: ${(err as Error).message}`, { cause: err });
  }
}

/** The https agent options `policy` asks for (CA bundle, client certificate, verification). */
export async function tlsAgentOptions(policy: TransportPolicy, registry: string): Promise<HttpsAgentOptions> {
  const options: HttpsAgentOptions = { rejectUnauthorized: !policy.skipTlsVerify };
  const extra = policy.caCertificates ?? [];
  if (extra.length > 0) {
    const pems = await Promise.all(extra.map((p) => readPem(p, 'CA certificate', registry)));
    options.ca = [...rootCertificates, ...pems];
  }
  const client = policy.clientCertificate;
  if (client) {
    options.cert = await readPem(client.cert, 'client certificate', registry);
    options.key = await readPem(client.key, 'client key', registry);
  }
  return options;
}
