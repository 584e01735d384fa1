/**
 * Retries, tested at the Transport seam (the one place doubles are allowed) for exact attempt
 * counts and waits, and end to end against a loopback server that fails twice.
 */
import { Readable } from 'node:stream';
import { Headers } from 'node-fetch';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log/index.js';
import { MediaType, sha256Digest, TsbuildError } from '../../src/oci/index.js';
import { anonymousCredentials, RegistryClient, RegistryError } from '../../src/registry/index.js';
import type { Transport, TransportRequest, TransportResponse } from '../../src/registry/transport.js';
import { retryAfterMs, withRetry } from '../../src/registry/with-retry.js';
import { loopbackServer } from './loopback-server.js';

const target = { registry: 'r.io', apiHost: 'r.io', repository: 'a/b', scopes: [] };
const get: TransportRequest = { method: 'GET', url: new URL('https://r.io/v2/a/b/manifests/1'), headers: {}, target };

function scripted(steps: readonly (number | Error)[], headers: Record<string, string> = {}): Transport & { calls: number } {
  const transport = Object.assign(
    async (req: TransportRequest): Promise<TransportResponse> => {
      const step = steps[Math.min(transport.calls++, steps.length - 1)]!;
      if (step instanceof Error) throw step;
      return { status: step, statusText: '', headers: new Headers(headers), body: Readable.from([]), url: req.url };
    },
    { calls: 0 },
  );
  return transport;
}

function sleeps(): { waits: number[]; sleep: (ms: number) => Promise<void> } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms) };
}

describe('withRetry', () => {
  it('retries 503 and 429, honouring Retry-After', async () => {
    const inner = scripted([503, 429, 200], { 'Retry-After': '2' });
    const { waits, sleep } = sleeps();
    const res = await withRetry(inner, { retries: 3, logger: silentLogger(), sleep })(get);
    expect(res.status).toBe(200);
    expect(inner.calls).toBe(3);
    expect(waits).toEqual([2000, 2000]);
  });

  it('gives up after `retries` and returns the last answer', async () => {
    const inner = scripted([502]);
    const { waits, sleep } = sleeps();
    const res = await withRetry(inner, { retries: 2, logger: silentLogger(), sleep })(get);
    expect([res.status, inner.calls, waits.length]).toEqual([502, 3, 2]);
  });

  it('does not retry 4xx, 501, or a request whose body was a stream', async () => {
    for (const status of [400, 404, 501]) {
      const inner = scripted([status, 200]);
      expect((await withRetry(inner, { retries: 3, logger: silentLogger() })(get)).status).toBe(status);
      expect(inner.calls).toBe(1);
    }
    const inner = scripted([503, 200]);
    const put: TransportRequest = { ...get, method: 'PUT', body: Readable.from([Buffer.from('x')]) };
    expect((await withRetry(inner, { retries: 3, logger: silentLogger() })(put)).status).toBe(503);
  });

  it('retries a reset connection and marks a lasting one temporary', async () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const { sleep } = sleeps();
    const flaky = scripted([reset, 200]);
    expect((await withRetry(flaky, { retries: 3, logger: silentLogger(), sleep })(get)).status).toBe(200);
    const dead = scripted([reset]);
    const failed = withRetry(dead, { retries: 1, logger: silentLogger(), sleep })(get);
    await expect(failed).rejects.toBeInstanceOf(RegistryError);
    await expect(failed).rejects.toMatchObject({ temporary: true, registry: 'r.io', repository: 'a/b' });
    expect(dead.calls).toBe(2);
  });

  it('reads Retry-After as seconds or a date, capped at 30 s', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs('3600')).toBe(30_000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 5_000)).toBe(5000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });
});

describe('RegistryClient retries', () => {
  it('gets through two 503s from a real server, and reports a lasting one as temporary', async () => {
    let calls = 0;
    await using server = await loopbackServer((req, res) => {
      if (req.url === '/v2/') return void res.end('{}');
      calls++;
      if (req.url?.includes('flaky') && calls <= 2) {
        res.writeHead(503, { 'Retry-After': '0', 'Content-Type': 'application/json' }).end('{"errors":[{"code":"UNAVAILABLE","message":"busy"}]}');
        return;
      }
      if (req.url?.includes('down')) return void res.writeHead(503, { 'Retry-After': '0' }).end('{"errors":[{"code":"UNAVAILABLE","message":"still busy"}]}');
      res.writeHead(200, { 'Content-Type': MediaType.ociManifest }).end('{"schemaVersion":2}');
    });
    const client = new RegistryClient({ policy: () => ({ insecure: false, skipTlsVerify: false }), credentials: anonymousCredentials(), logger: silentLogger(), retries: 2 });
    expect((await client.getManifest(server.host, 'flaky/repo', 'v1')).mediaType).toBe(MediaType.ociManifest);
    expect(calls).toBe(3);
    calls = 0;
    const down = client.getManifest(server.host, 'down/repo', 'v1');
    await expect(down).rejects.toMatchObject({ code: 'TSB_REGISTRY', status: 503, temporary: true, diagnostics: [{ code: 'UNAVAILABLE', message: 'still busy' }] });
    expect(calls).toBe(3);
    client.close();
  });
});

describe('uploadBlob restarts', () => {
  it('reopens the source stream when the PUT fails temporarily, and stops on a source error', async () => {
    const puts: string[] = [];
    await using server = await loopbackServer((req, res) => {
      void (async () => {
        let received = '';
        for await (const c of req) received += String(c);
        if (req.method === 'POST') return void res.writeHead(202, { Location: `/v2/a/b/blobs/uploads/session-${puts.length}?_state=abc` }).end();
        if (req.method === 'PUT') {
          puts.push(`${req.url} ${received}`);
          if (puts.length === 1) return void res.writeHead(500).end('{"errors":[{"code":"UNKNOWN","message":"disk hiccup"}]}');
          return void res.writeHead(201).end();
        }
        res.end('{}');
      })();
    });
    const client = new RegistryClient({ policy: () => ({ insecure: false, skipTlsVerify: false }), credentials: anonymousCredentials(), logger: silentLogger() });
    let opens = 0;
    const digest = sha256Digest('payload');
    await client.uploadBlob(server.host, 'a/b', digest, 7, async () => {
      opens++;
      return Readable.from([Buffer.from('payload')]);
    });
    expect(opens).toBe(2);
    expect(puts).toEqual([
      `/v2/a/b/blobs/uploads/session-0?_state=abc&digest=${encodeURIComponent(digest)} payload`,
      `/v2/a/b/blobs/uploads/session-1?_state=abc&digest=${encodeURIComponent(digest)} payload`,
    ]);

    const broken = new TsbuildError('TSB_DIGEST_MISMATCH', 'source went bad');
    opens = 0;
    const failing = client.uploadBlob(server.host, 'a/b', digest, 7, async () => {
      opens++;
      return new Readable({ read() { this.destroy(broken); } });
    });
    await expect(failing).rejects.toMatchObject({ code: 'TSB_DIGEST_MISMATCH' });
    expect(opens).toBe(1);
    client.close();
  });
});

describe('idle timeout', () => {
  it('fails a request whose server stops sending, as temporary, and retries it', async () => {
    let calls = 0;
    await using server = await loopbackServer((_req, res) => {
      calls++;
      if (calls === 1) {
        res.writeHead(200, { 'Content-Type': MediaType.ociManifest, 'Content-Length': '100' });
        res.write('{"schemaVersion"'); // …and nothing more: the socket goes quiet
        return;
      }
      res.writeHead(200, { 'Content-Type': MediaType.ociManifest }).end('{"schemaVersion":2}');
    });
    const options = { policy: () => ({ insecure: false, skipTlsVerify: false }), credentials: anonymousCredentials(), logger: silentLogger(), idleTimeoutMs: 300 };
    const client = new RegistryClient({ ...options, retries: 1 });
    const started = Date.now();
    expect((await client.getManifest(server.host, 'slow/repo', 'v1')).mediaType).toBe(MediaType.ociManifest);
    expect(calls).toBe(2);
    expect(Date.now() - started).toBeLessThan(5_000);
    client.close();

    calls = 0;
    const once = new RegistryClient({ ...options, retries: 0 });
    await expect(once.getManifest(server.host, 'slow/repo', 'v1')).rejects.toMatchObject({ code: 'TSB_REGISTRY', temporary: true });
    once.close();
  });
});
