/**
 * The Bearer token flow's request shapes (query, account, refresh-token grant) against a loopback
 * server; token-auth.test.ts runs the same flow against docker-registry in token mode.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log/index.js';
import { MediaType, sha256Digest } from '../../src/oci/index.js';
import { loadCredentials, RegistryClient } from '../../src/registry/index.js';
import { tempDir } from '../helpers/temp-dir.js';
import { loopbackServer } from './loopback-server.js';

const MANIFEST = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: {}, layers: [] }));

interface TokenRequest {
  readonly method: string;
  readonly query: URLSearchParams;
  readonly form: URLSearchParams;
  readonly authorization: string | undefined;
}

async function body(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const c of req) text += String(c);
  return text;
}

/** A registry that wants `Bearer good-token`, and its token endpoint. */
async function tokenRegistry(tokens: TokenRequest[]) {
  let url = '';
  const server = await loopbackServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const u = new URL(req.url ?? '/', url);
      if (u.pathname === '/token') {
        const form = new URLSearchParams(await body(req));
        tokens.push({ method: req.method ?? '', query: u.searchParams, form, authorization: req.headers.authorization });
        const basicOk = req.headers.authorization === `Basic ${Buffer.from('alice:pw').toString('base64')}`;
        const refreshOk = form.get('grant_type') === 'refresh_token' && form.get('refresh_token') === 'refresh-1';
        if (!basicOk && !refreshOk) {
          res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"errors":[{"code":"UNAUTHORIZED","message":"bad login"}]}');
          return;
        }
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(basicOk ? { token: 'good-token', expires_in: 300 } : { access_token: 'good-token' }));
        return;
      }
      if (u.pathname !== '/v2/' && req.headers.authorization !== 'Bearer good-token') {
        const challenge = `Bearer realm="${url}/token",service="test-registry",scope="repository:team/app:pull"`;
        res.writeHead(401, { 'WWW-Authenticate': challenge }).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': MediaType.ociManifest }).end(MANIFEST);
    })();
  });
  url = server.url;
  return server;
}

async function clientWith(config: object) {
  const dir = await tempDir({ 'config.json': JSON.stringify(config) });
  const credentials = await loadCredentials({ DOCKER_CONFIG: dir.path });
  const client = new RegistryClient({ policy: () => ({ insecure: false, skipTlsVerify: false }), credentials, logger: silentLogger() });
  return { client, dir };
}

describe('Bearer token auth', () => {
  it('fetches one token with Basic credentials for the scope and reuses it', async () => {
    const tokens: TokenRequest[] = [];
    await using registry = await tokenRegistry(tokens);
    const { client, dir } = await clientWith({ auths: { [registry.host]: { username: 'alice', password: 'pw' } } });
    await using _dir = dir;
    const first = await client.getManifest(registry.host, 'team/app', 'v1');
    const second = await client.getManifest(registry.host, 'team/app', 'v2');
    expect(first.digest).toBe(sha256Digest(MANIFEST));
    expect(second.mediaType).toBe(MediaType.ociManifest);
    expect(tokens).toHaveLength(1);
    expect(tokens[0]!.method).toBe('GET');
    expect(tokens[0]!.query.get('service')).toBe('test-registry');
    expect(tokens[0]!.query.getAll('scope')).toEqual(['repository:team/app:pull']);
    expect(tokens[0]!.query.get('account')).toBe('alice');
    client.close();
  });

  it('trades an identitytoken for an access token with the refresh-token grant', async () => {
    const tokens: TokenRequest[] = [];
    await using registry = await tokenRegistry(tokens);
    const { client, dir } = await clientWith({ auths: { [registry.host]: { identitytoken: 'refresh-1' } } });
    await using _dir = dir;
    await client.getManifest(registry.host, 'team/app', 'v1');
    expect(tokens).toHaveLength(1);
    expect(tokens[0]!.method).toBe('POST');
    expect(Object.fromEntries(tokens[0]!.form)).toMatchObject({
      grant_type: 'refresh_token', refresh_token: 'refresh-1', service: 'test-registry', scope: 'repository:team/app:pull',
    });
    client.close();
  });

  it('reports a refused token request as TSB_REGISTRY_AUTH with the server message and the credential source', async () => {
    const tokens: TokenRequest[] = [];
    await using registry = await tokenRegistry(tokens);
    const { client, dir } = await clientWith({ auths: { [registry.host]: { username: 'alice', password: 'nope' } } });
    await using _dir = dir;
    const get = client.getManifest(registry.host, 'team/app', 'v1');
    await expect(get).rejects.toMatchObject({ code: 'TSB_REGISTRY_AUTH', registry: registry.host, repository: 'team/app' });
    await expect(get).rejects.toThrow(`bad login`);
    await expect(get).rejects.toThrow(join(dir.path, 'config.json'));
    client.close();
  });
});
