/**
 * Per-registry TLS against real docker-registry instances over HTTPS: a CA file makes a
 * self-signed registry verify (no skip-verify), in addition to the system roots; a client
 * certificate gets through a registry that demands mutual TLS.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { pushImage } from '../../src/image/push.js';
import { remoteImage } from '../../src/image/remote.js';
import { silentLogger } from '../../src/log/index.js';
import { parseReference } from '../../src/oci/index.js';
import { anonymousCredentials, RegistryClient, type TransportPolicy } from '../../src/registry/index.js';
import { memoryImage, memoryLayer } from '../helpers/memory-layer.js';
import { startRegistry } from '../helpers/registry.js';
import { tempDir } from '../helpers/temp-dir.js';

const run = promisify(execFile);
const AMD64 = { os: 'linux', architecture: 'amd64' };

function client(policy: Partial<TransportPolicy>): RegistryClient {
  return new RegistryClient({ policy: () => ({ insecure: false, skipTlsVerify: false, ...policy }), credentials: anonymousCredentials(), logger: silentLogger(), retries: 0 });
}

/** A client CA and a certificate it signed for the client. */
async function clientPki(dir: string) {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const p = (name: string) => join(dir, name);
  await run('openssl', ['req', '-x509', ...ec, '-days', '2', '-keyout', p('ca.key'), '-out', p('ca.pem'), '-subj', '/CN=tsbuild-test-client-ca']);
  await run('openssl', ['req', ...ec, '-keyout', p('client.key'), '-out', p('client.csr'), '-subj', '/CN=tsbuild-client']);
  await run('openssl', ['x509', '-req', '-in', p('client.csr'), '-CA', p('ca.pem'), '-CAkey', p('ca.key'), '-CAcreateserial', '-days', '2', '-out', p('client.pem')]);
  return { ca: p('ca.pem'), cert: p('client.pem'), key: p('client.key') };
}

describe('TLS per registry', () => {
  it('trusts a self-signed registry through its CA file, and still the public roots', async () => {
    await using registry = await startRegistry({ tls: true });
    const image = await memoryImage([await memoryLayer({ 'etc/tls': 'verified' })]);
    const ref = parseReference(`${registry.host}/team/tls:1`);
    const c = client({ caCertificates: [registry.certPath] });
    const digest = await pushImage(c, image, ref);
    expect(await (await remoteImage(c, ref, AMD64)).digest()).toBe(digest);
    c.close();

    const plain = client({});
    await expect(remoteImage(plain, ref, AMD64)).rejects.toThrow(/certificate.*--skip-tls-verify/);
    plain.close();

    const missing = client({ caCertificates: ['/nonexistent/ca.pem'] });
    const failed = remoteImage(missing, ref, AMD64);
    await expect(failed).rejects.toMatchObject({ code: 'TSB_USAGE' });
    await expect(failed).rejects.toThrow(`CA certificate /nonexistent/ca.pem for registry ${registry.host} cannot be read`);
    missing.close();
  });

  it('presents a client certificate to a registry that requires mutual TLS', async () => {
    await using dir = await tempDir();
    const pki = await clientPki(dir.path);
    await using registry = await startRegistry({ tls: true, clientCas: [pki.ca] });
    const image = await memoryImage([await memoryLayer({ 'etc/mtls': 'both ways' })]);
    const ref = parseReference(`${registry.host}/team/mtls:1`);
    const c = client({ caCertificates: [registry.certPath], clientCertificate: { cert: pki.cert, key: pki.key } });
    const digest = await pushImage(c, image, ref);
    expect(await (await remoteImage(c, ref, AMD64)).digest()).toBe(digest);
    c.close();

    const anonymous = client({ caCertificates: [registry.certPath] });
    await expect(remoteImage(anonymous, ref, AMD64)).rejects.toMatchObject({ registry: registry.host });
    anonymous.close();
  });
});
