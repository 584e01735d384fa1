/**
 * Credentials and TLS against a real registry with htpasswd auth over HTTPS (self-signed), the
 * second registry DESIGN §6 asks for. Credentials come from a real config.json in a temp
 * DOCKER_CONFIG, and from a real credential-helper executable on PATH.
 */
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushImage } from '../../src/image/push.js';
import { remoteImage } from '../../src/image/remote.js';
import type { Image } from '../../src/image/types.js';
import { silentLogger } from '../../src/log/index.js';
import { parseReference } from '../../src/oci/index.js';
import { anonymousCredentials, type CredentialStore, loadCredentials, RegistryClient } from '../../src/registry/index.js';
import { memoryImage, memoryLayer } from '../helpers/memory-layer.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { tempDir } from '../helpers/temp-dir.js';

const PASSWORD = 'correct horse';
const AMD64 = { os: 'linux', architecture: 'amd64' };

function client(credentials: CredentialStore, skipTlsVerify = true): RegistryClient {
  return new RegistryClient({ policy: () => ({ insecure: false, skipTlsVerify }), credentials, logger: silentLogger() });
}

function authEntry(user: string, password: string): { auth: string } {
  return { auth: Buffer.from(`${user}:${password}`).toString('base64') };
}

describe('htpasswd registry over TLS', () => {
  let registry: TestRegistry;
  let image: Image;

  beforeAll(async () => {
    registry = await startRegistry({ tls: true, users: { alice: PASSWORD } });
    image = await memoryImage([await memoryLayer({ 'etc/motd': 'hi' })]);
  });
  afterAll(async () => registry?.stop());

  it('pushes and pulls with Basic credentials from $DOCKER_CONFIG/config.json', async () => {
    await using dir = await tempDir({ 'config.json': JSON.stringify({ auths: { [`https://${registry.host}`]: authEntry('alice', PASSWORD) } }) });
    const c = client(await loadCredentials({ DOCKER_CONFIG: dir.path }));
    const ref = parseReference(`${registry.host}/private/app:1`);
    const digest = await pushImage(c, image, ref);
    const pulled = await remoteImage(c, ref, AMD64);
    expect(await pulled.digest()).toBe(digest);
    expect((await pulled.config()).rootfs.diff_ids).toHaveLength(1);
    c.close();
  });

  it('refuses wrong credentials with TSB_REGISTRY_AUTH naming registry, repository and config file', async () => {
    await using dir = await tempDir({ 'config.json': JSON.stringify({ auths: { [registry.host]: { username: 'alice', password: 'wrong-pass' } } }) });
    const c = client(await loadCredentials({ DOCKER_CONFIG: dir.path }));
    const pull = remoteImage(c, parseReference(`${registry.host}/private/app:1`), AMD64);
    await expect(pull).rejects.toMatchObject({ code: 'TSB_REGISTRY_AUTH', registry: registry.host, repository: 'private/app', status: 401 });
    const message = await pull.catch((e: Error) => e.message);
    expect(message).toContain(join(dir.path, 'config.json'));
    expect(message).toContain('private/app');
    expect(message).not.toContain('wrong-pass');
    c.close();
  });

  it('says "anonymous" when it had no credentials to offer', async () => {
    const c = client(anonymousCredentials());
    const push = pushImage(c, image, parseReference(`${registry.host}/private/anon:1`));
    await expect(push).rejects.toMatchObject({ code: 'TSB_REGISTRY_AUTH' });
    await expect(push).rejects.toThrow(/anonymous/);
    c.close();
  });

  it('gets credentials from a credHelpers executable found on PATH', async () => {
    await using dir = await tempDir();
    const helper = join(dir.path, 'docker-credential-tsbtest');
    await writeFile(
      helper,
      `#!/bin/sh\nread server\nif [ "$server" = "${registry.host}" ]; then\n` +
        `  printf '{"ServerURL":"%s","Username":"alice","Secret":"${PASSWORD}"}' "$server"\nelse\n` +
        `  echo "credentials not found in native keychain"; exit 1\nfi\n`,
    );
    await chmod(helper, 0o755);
    await writeFile(join(dir.path, 'config.json'), JSON.stringify({ credHelpers: { [registry.host]: 'tsbtest' } }));
    const savedPath = process.env['PATH'];
    process.env['PATH'] = `${dir.path}:${savedPath ?? ''}`;
    try {
      const store = await loadCredentials({ DOCKER_CONFIG: dir.path });
      expect((await store.lookup('elsewhere.example')).credential).toBeUndefined();
      const c = client(store);
      await pushImage(c, image, parseReference(`${registry.host}/private/helper:1`));
      c.close();
    } finally {
      process.env['PATH'] = savedPath;
    }
  });

  it('rejects the self-signed certificate unless skipTlsVerify is set for the host', async () => {
    const c = client(anonymousCredentials(), false);
    const pull = remoteImage(c, parseReference(`${registry.host}/private/app:1`), AMD64);
    await expect(pull).rejects.toMatchObject({ code: 'TSB_REGISTRY', registry: registry.host });
    await expect(pull).rejects.toThrow(/certificate.*--skip-tls-verify/);
    c.close();
  });
});
