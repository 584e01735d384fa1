/**
 * docker-registry in `token` auth mode, with the test token server issuing signed JWTs: the
 * client gets pull- and push-scoped tokens, reuses them, asks for pull on the source of a
 * cross-repository mount, and gets a new token when one expires or is refused.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushImage } from '../../src/image/push.js';
import { remoteImage } from '../../src/image/remote.js';
import type { Image } from '../../src/image/types.js';
import { parseReference } from '../../src/oci/index.js';
import { loadCredentials, RegistryClient } from '../../src/registry/index.js';
import { memoryImage, memoryLayer } from '../helpers/memory-layer.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';
import { startTokenServer, type TokenServer, type TokenServerOptions } from '../helpers/token-server.js';
import { recordingLogger } from './recording-logger.js';

const AMD64 = { os: 'linux', architecture: 'amd64' };
const USERS = { alice: 'alice-pw', bob: 'bob-pw', carol: 'carol-pw' };

/** alice: everything; carol: push to team/* only; bob: pull team/*; anonymous: nothing. */
function grants(account: string | undefined, repository: string): string[] {
  if (account === 'alice') return ['pull', 'push'];
  if (account === 'carol' && repository.startsWith('team/')) return ['pull', 'push'];
  if (account === 'bob' && repository.startsWith('team/')) return ['pull'];
  return [];
}

interface Setup extends AsyncDisposable {
  readonly tokens: TokenServer;
  readonly registry: TestRegistry;
}

async function tokenRegistry(extra: Partial<TokenServerOptions> = {}): Promise<Setup> {
  const tokens = await startTokenServer({ users: USERS, grants, ...extra });
  const registry = await startRegistry({ token: tokens });
  return {
    tokens,
    registry,
    async [Symbol.asyncDispose]() {
      await registry.stop();
      await tokens[Symbol.asyncDispose]();
    },
  };
}

async function clientFor(registry: TestRegistry, user: keyof typeof USERS, dirs: TempDir[]) {
  const dir = await tempDir({ 'config.json': JSON.stringify({ auths: { [registry.host]: { username: user, password: USERS[user] } } }) });
  dirs.push(dir);
  const rec = recordingLogger();
  const client = new RegistryClient({
    policy: () => ({ insecure: false, skipTlsVerify: false }),
    credentials: await loadCredentials({ DOCKER_CONFIG: dir.path }),
    logger: rec.logger,
  });
  return { client, rec, configPath: join(dir.path, 'config.json') };
}

describe('docker-registry with token auth', () => {
  let setup: Setup;
  let image: Image;
  const dirs: TempDir[] = [];

  beforeAll(async () => {
    setup = await tokenRegistry();
    image = await memoryImage([await memoryLayer({ 'etc/a': 'a' }), await memoryLayer({ 'etc/b': 'b'.repeat(5000) })]);
  });
  afterAll(async () => {
    await setup?.[Symbol.asyncDispose]();
    for (const d of dirs) await d[Symbol.asyncDispose]();
  });

  it('pushes with one pull,push token and pulls with a pull token, reusing each', async () => {
    const { registry, tokens } = setup;
    const alice = await clientFor(registry, 'alice', dirs);
    tokens.requests.length = 0;
    const ref = parseReference(`${registry.host}/team/app:1`);
    const digest = await pushImage(alice.client, image, ref);
    expect(tokens.requests).toEqual([{ account: 'alice', scopes: ['repository:team/app:pull,push'], grantType: 'basic' }]);
    await pushImage(alice.client, image, parseReference(`${registry.host}/team/app:2`));
    expect(tokens.requests).toHaveLength(1);

    const bob = await clientFor(registry, 'bob', dirs);
    const pulled = await remoteImage(bob.client, ref, AMD64);
    expect(await pulled.digest()).toBe(digest);
    for (const layer of await pulled.layers()) for await (const _ of await layer.open()) void _;
    expect(tokens.requests.slice(1)).toEqual([{ account: 'bob', scopes: ['repository:team/app:pull'], grantType: 'basic' }]);
    alice.client.close();
    bob.client.close();
  });

  it('refuses a push the token server does not grant, naming the registry, repository and credential source', async () => {
    const bob = await clientFor(setup.registry, 'bob', dirs);
    const push = pushImage(bob.client, image, parseReference(`${setup.registry.host}/team/bob:1`));
    await expect(push).rejects.toMatchObject({ code: 'TSB_REGISTRY_AUTH', registry: setup.registry.host, repository: 'team/bob' });
    await expect(push).rejects.toThrow(bob.configPath);
    bob.client.close();
  });

  it('mounts across repositories with pull on the source, and uploads when the source is not readable', async () => {
    const { registry, tokens } = setup;
    const alice = await clientFor(registry, 'alice', dirs);
    await pushImage(alice.client, image, parseReference(`${registry.host}/base/img:1`));
    const base = await remoteImage(alice.client, parseReference(`${registry.host}/base/img:1`), AMD64);
    tokens.requests.length = 0;
    alice.rec.records.length = 0;
    await pushImage(alice.client, base, parseReference(`${registry.host}/team/mounted:1`));
    expect(alice.rec.requests('POST', 'mount=').filter((r) => r.status === 201)).toHaveLength(2);
    expect(tokens.requests.some((r) => r.scopes.includes('repository:base/img:pull'))).toBe(true);

    const carol = await clientFor(registry, 'carol', dirs);
    const ref = parseReference(`${registry.host}/team/carol:1`);
    const digest = await pushImage(carol.client, base, ref);
    expect(carol.rec.requests('POST', 'mount=').every((r) => r.status === 401)).toBe(true);
    expect(carol.rec.requests('PUT', '/blobs/uploads/').filter((r) => r.status === 201)).toHaveLength(3);
    const copy = await remoteImage(alice.client, ref, AMD64);
    expect(await copy.digest()).toBe(digest);
    for (const layer of await copy.layers()) for await (const _ of await layer.open()) void _;
    alice.client.close();
    carol.client.close();
  });
});

describe('token expiry', () => {
  it('fetches a new token once the old one expired', async () => {
    await using setup = await tokenRegistry({ expiresIn: 2 });
    const dirs: TempDir[] = [];
    const alice = await clientFor(setup.registry, 'alice', dirs);
    const image = await memoryImage([await memoryLayer({ 'etc/x': 'x' })]);
    await pushImage(alice.client, image, parseReference(`${setup.registry.host}/team/exp:1`));
    expect(setup.tokens.requests).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1_200)); // the client renews up to a second early
    await pushImage(alice.client, image, parseReference(`${setup.registry.host}/team/exp:2`));
    expect(setup.tokens.requests).toHaveLength(2);
    alice.client.close();
    for (const d of dirs) await d[Symbol.asyncDispose]();
  });

  it('asks again when the registry refuses a token the client still thought valid', async () => {
    // The first JWT's exp is 57 s in the past: distribution's 60 s leeway lets it work for about
    // three seconds, while expires_in tells the client 300 s.
    await using setup = await tokenRegistry({ jwtLifetime: (n) => (n === 0 ? -57 : 300) });
    const dirs: TempDir[] = [];
    const alice = await clientFor(setup.registry, 'alice', dirs);
    const image = await memoryImage([await memoryLayer({ 'etc/y': 'y' })]);
    await pushImage(alice.client, image, parseReference(`${setup.registry.host}/team/refused:1`));
    expect(setup.tokens.requests).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 3_200));
    const ref = parseReference(`${setup.registry.host}/team/refused:2`);
    const digest = await pushImage(alice.client, image, ref);
    expect(setup.tokens.requests).toHaveLength(2);
    expect(await (await remoteImage(alice.client, ref, AMD64)).digest()).toBe(digest);
    alice.client.close();
    for (const d of dirs) await d[Symbol.asyncDispose]();
  });
});
