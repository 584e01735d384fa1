/**
 * Registry behaviours a push must cope with, against a real docker-registry (behind a proxy that
 * plays the part of what sits in front of real registries): a body limit that forces chunked
 * uploads, the push-permission check, immutable tags, and whole-push retries.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPushPermission } from '../../src/image/push-permission.js';
import { pushImage } from '../../src/image/push.js';
import type { Image } from '../../src/image/types.js';
import { parseReference } from '../../src/oci/index.js';
import { anonymousCredentials, loadCredentials, RegistryClient } from '../../src/registry/index.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import { memoryImage, memoryLayer } from '../helpers/memory-layer.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { tempDir } from '../helpers/temp-dir.js';
import { recordingLogger } from '../registry/recording-logger.js';

const run = promisify(execFile);
const BODY_LIMIT = 64 * 1024;

function client(options: { retries?: number; uploadChunkBytes?: number } = {}) {
  const rec = recordingLogger();
  const c = new RegistryClient({ policy: () => ({ insecure: false, skipTlsVerify: true }), credentials: anonymousCredentials(), logger: rec.logger, ...options });
  return { client: c, rec };
}

describe('push policies', () => {
  let registry: TestRegistry;
  let image: Image;

  beforeAll(async () => {
    registry = await startRegistry();
    image = await memoryImage([await memoryLayer({ 'opt/big.bin': randomBytes(150_000) }), await memoryLayer({ 'etc/small': 'small' })]);
  });
  afterAll(async () => registry?.stop());

  it('falls back to chunked PATCH uploads when a proxy refuses big bodies (413), and keeps chunking there', async () => {
    await using proxy = await startFaultProxy({
      target: registry.url,
      intercept: (method, _path, headers) =>
        method !== 'GET' && Number(headers['content-length'] ?? 0) > BODY_LIMIT ? { status: 413, body: '<html>413 Request Entity Too Large</html>' } : undefined,
    });
    const { client: c, rec } = client({ uploadChunkBytes: 40 * 1024 });
    const digest = await pushImage(c, image, parseReference(`${proxy.host}/team/chunked:1`));
    const patches = rec.requests('PATCH');
    expect(patches.length).toBe(Math.ceil((await (await image.layers())[0]!.size()) / (40 * 1024)));
    expect(patches.every((p) => p.status === 202)).toBe(true);
    expect(proxy.log.filter((r) => r.status === 413)).toHaveLength(1);
    const chunkHeaders = proxy.log.filter((r) => r.method === 'PATCH').map((r) => r.path);
    // Every step used the Location the registry gave it: distribution's _state changes each time.
    expect(new Set(chunkHeaders).size).toBe(chunkHeaders.length);

    const other = await memoryImage([await memoryLayer({ 'opt/other.bin': randomBytes(100_000) })]);
    await pushImage(c, other, parseReference(`${proxy.host}/team/chunked:2`));
    expect(proxy.log.filter((r) => r.status === 413)).toHaveLength(1);

    const { stdout } = await run('skopeo', ['inspect', '--tls-verify=false', `docker://${registry.host}/team/chunked:1`]);
    expect((JSON.parse(stdout) as { Digest: string }).Digest).toBe(digest);
    c.close();
  });

  it('checks push permission by opening and cancelling an upload session', async () => {
    const { client: c, rec } = client();
    await checkPushPermission(c, parseReference(`${registry.host}/team/allowed:1`));
    expect(rec.requests('POST', '/v2/team/allowed/blobs/uploads/').map((r) => r.status)).toEqual([202]);
    expect(rec.requests('DELETE', '/v2/team/allowed/blobs/uploads/').map((r) => r.status)).toEqual([204]);
    c.close();
  });

  it('names the destination and the credential source when push permission is missing', async () => {
    await using secured = await startRegistry({ tls: true, users: { alice: 'pw' } });
    const { client: anonymous } = client();
    const check = checkPushPermission(anonymous, parseReference(`${secured.host}/team/secret:1`));
    await expect(check).rejects.toMatchObject({ code: 'TSB_REGISTRY_AUTH', registry: secured.host, repository: 'team/secret' });
    await expect(check).rejects.toThrow(new RegExp(`^cannot push to ${secured.host}/team/secret:1: .*anonymous`));
    anonymous.close();

    await using dir = await tempDir({ 'config.json': JSON.stringify({ auths: { [secured.host]: { username: 'alice', password: 'pw' } } }) });
    const alice = new RegistryClient({
      policy: () => ({ insecure: false, skipTlsVerify: true }),
      credentials: await loadCredentials({ DOCKER_CONFIG: dir.path }),
      logger: recordingLogger().logger,
    });
    await checkPushPermission(alice, parseReference(`${secured.host}/team/secret:1`));
    alice.close();
  });

  it('treats an immutable-tag refusal (ECR) as done only when told to, with a warning', async () => {
    const ecrSays = {
      status: 400,
      body: JSON.stringify({ errors: [{ code: 'TAG_INVALID', message: "The image tag '1.0' already exists in the 'team/immutable' repository and cannot be overwritten because the repository is immutable." }] }),
    };
    await using proxy = await startFaultProxy({
      target: registry.url,
      intercept: (method, path) => (method === 'PUT' && path === '/v2/team/immutable/manifests/1.0' ? ecrSays : undefined),
    });
    const ref = parseReference(`${proxy.host}/team/immutable:1.0`);
    const { client: c, rec } = client();
    const strict = pushImage(c, image, ref);
    await expect(strict).rejects.toMatchObject({ code: 'TSB_REGISTRY', status: 400 });
    await expect(strict).rejects.toThrow('cannot be overwritten because the repository is immutable');
    expect(await pushImage(c, image, ref, { ignoreImmutableTagErrors: true, logger: rec.logger })).toBe(await image.digest());
    expect(rec.records.filter((r) => r.level === 40 && r.msg.includes('immutable'))).toHaveLength(1);
    c.close();
  });

  it('retries the whole push (--push-retry) after temporary failures, with growing waits', async () => {
    let refusals = 2;
    await using proxy = await startFaultProxy({
      target: registry.url,
      intercept: (method, path) => (method === 'PUT' && path.includes('/manifests/') && refusals-- > 0 ? { status: 503, headers: { 'Retry-After': '0' } } : undefined),
    });
    const { client: c } = client({ retries: 0 });
    const ref = parseReference(`${proxy.host}/team/retried:1`);
    const waits: number[] = [];
    const digest = await pushImage(c, image, ref, { retries: 2, sleep: async (ms) => void waits.push(ms) });
    expect(digest).toBe(await image.digest());
    expect(waits).toEqual([1000, 2000]);
    refusals = 5;
    await expect(pushImage(c, image, ref, { retries: 1, sleep: async () => undefined })).rejects.toMatchObject({ status: 503, temporary: true });
    c.close();
  });
});
