/**
 * Redirects are followed by our own code: Authorization must reach the registry, follow a
 * same-origin redirect, and never follow one to another port of the same host (node-fetch would,
 * MEASURED.md). Two real loopback servers record which headers arrived.
 */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log/index.js';
import { type Digest, sha256Digest } from '../../src/oci/index.js';
import { loadCredentials, RegistryClient } from '../../src/registry/index.js';
import { tempDir } from '../helpers/temp-dir.js';
import { loopbackServer } from './loopback-server.js';

const BLOB = Buffer.from('blob bytes');
const DIGEST: Digest = sha256Digest(BLOB);

async function read(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('redirects', () => {
  it('drops Authorization when the port changes, keeps it within the origin, and stops after 10', async () => {
    const seen: { server: string; path: string; authorization: string | undefined }[] = [];
    await using storage = await loopbackServer((req, res) => {
      seen.push({ server: 'storage', path: req.url ?? '', authorization: req.headers.authorization });
      if (req.url === '/hop') {
        res.writeHead(307, { Location: `${registryUrl}/local/back` }).end();
        return;
      }
      res.end(BLOB);
    });
    let registryUrl = '';
    await using registry = await loopbackServer((req, res) => {
      const path = req.url ?? '';
      seen.push({ server: 'registry', path, authorization: req.headers.authorization });
      if (path.startsWith('/v2/') && path !== '/v2/' && !req.headers.authorization) {
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="test"' }).end();
      } else if (path === `/v2/team/app/blobs/${DIGEST}`) {
        res.writeHead(307, { Location: `${storage.url}/blob?X-Amz-Signature=secret` }).end();
      } else if (path === `/v2/same/origin/blobs/${DIGEST}`) {
        res.writeHead(302, { Location: '/local/blob' }).end();
      } else if (path === `/v2/round/trip/blobs/${DIGEST}`) {
        res.writeHead(307, { Location: `${storage.url}/hop` }).end();
      } else if (path === `/v2/loop/forever/blobs/${DIGEST}`) {
        res.writeHead(302, { Location: path }).end();
      } else {
        res.end(BLOB);
      }
    });
    registryUrl = registry.url;
    await using dir = await tempDir({ 'config.json': JSON.stringify({ auths: { [registry.host]: { username: 'u', password: 'p' } } }) });
    const client = new RegistryClient({
      policy: () => ({ insecure: false, skipTlsVerify: false }),
      credentials: await loadCredentials({ DOCKER_CONFIG: dir.path }),
      logger: silentLogger(),
    });
    const basic = `Basic ${Buffer.from('u:p').toString('base64')}`;

    expect(await read(await client.openBlobUnverified(registry.host, 'team/app', DIGEST))).toEqual(BLOB);
    expect(seen.filter((s) => s.path.startsWith('/v2/team/app')).at(-1)?.authorization).toBe(basic);
    expect(seen.find((s) => s.server === 'storage' && s.path.startsWith('/blob'))?.authorization).toBeUndefined();

    expect(await read(await client.openBlobUnverified(registry.host, 'same/origin', DIGEST))).toEqual(BLOB);
    expect(seen.find((s) => s.path === '/local/blob')?.authorization).toBe(basic);

    // Once credentials were dropped for another origin they are not restored on the way back.
    expect(await read(await client.openBlobUnverified(registry.host, 'round/trip', DIGEST))).toEqual(BLOB);
    expect(seen.find((s) => s.path === '/hop')?.authorization).toBeUndefined();
    expect(seen.find((s) => s.path === '/local/back')?.authorization).toBeUndefined();

    const loop = client.openBlobUnverified(registry.host, 'loop/forever', DIGEST);
    await expect(loop).rejects.toMatchObject({ code: 'TSB_REGISTRY', repository: 'loop/forever' });
    await expect(loop).rejects.toThrow('more than 10 redirects');
    client.close();
  });
});
