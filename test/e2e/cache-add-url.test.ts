/**
 * ADD <url> in a cached build, end to end with a cache in a local OCI layout: the step is keyed
 * by the downloaded content (or by `--checksum`, without downloading), so the steps after it are
 * cached too. Unchanged content hits, with one download per build; changed content misses and
 * re-runs what follows; with --checksum a warm build downloads nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { runTsbuild } from '../helpers/run-tsbuild.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';

/** Serves /file.txt with the current `content`, and counts every request by path. */
let content = 'one\n';
let requests: string[] = [];
let server: Server;
let url: string;
let work: TempDir;

beforeAll(async () => {
  work = await tempDir();
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    res.end(req.url === '/file.txt' ? content : 'ok\n');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((done) => server?.close(done));
  await work?.[Symbol.asyncDispose]();
});

function context(name: string, addFlags: string): string {
  const dir = join(work.path, name);
  mkdirSync(dir);
  copyFileSync('/bin/busybox', join(dir, 'busybox'));
  writeFileSync(
    join(dir, 'Dockerfile'),
    [
      'FROM scratch',
      'COPY busybox /bin/busybox',
      'ARG HTTP',
      `ADD ${addFlags} \${HTTP}/file.txt /file.txt`,
      'RUN ["/bin/busybox", "sh", "-c", "/bin/busybox wget -q -O /dev/null $HTTP/run && /bin/busybox cp /file.txt /copied"]',
      '',
    ].join('\n'),
  );
  return dir;
}

async function build(ctx: string, cache: string, name: string) {
  requests = [];
  const out = join(work.path, `out-${name}`);
  const run = await runTsbuild([
    '--context', ctx, '--no-push', '--reproducible', '--cache', '--cache-repo', `oci:${cache}`,
    '--build-arg', `HTTP=${url}`, '--oci-layout-path', out, '--digest-file', `${out}.digest`,
  ]);
  expect(run.code, run.stderr).toBe(0);
  return { downloads: requests.filter((p) => p === '/file.txt').length, ran: requests.includes('/run'), digest: readFileSync(`${out}.digest`, 'utf8'), log: run.stderr };
}

describe('ADD <url> with the layer cache (e2e)', () => {
  it('keys the step by the downloaded content: unchanged hits (one download), changed misses', async () => {
    content = 'one\n';
    const ctx = context('by-content', '');
    const cache = join(work.path, 'cache-content');
    const cold = await build(ctx, cache, 'cold');
    expect(cold).toMatchObject({ downloads: 1, ran: true });
    expect(cold.log).toMatch(/cache: 0 of 3 steps found/);
    const warm = await build(ctx, cache, 'warm');
    // Downloaded once, to key the step; the step and the RUN after it come from the cache.
    expect(warm).toMatchObject({ downloads: 1, ran: false, digest: cold.digest });
    expect(warm.log).toMatch(/cache: 3 of 3 steps found/);
    content = 'two\n';
    const changed = await build(ctx, cache, 'changed');
    expect(changed).toMatchObject({ downloads: 1, ran: true });
    expect(changed.log).toMatch(/cache: 1 of 3 steps found/);
    expect(changed.digest).not.toBe(cold.digest);
  }, 120_000);

  it('keys the step by --checksum without downloading anything on a hit', async () => {
    content = 'checked\n';
    const checksum = `sha256:${createHash('sha256').update(content).digest('hex')}`;
    const ctx = context('by-checksum', `--checksum=${checksum}`);
    const cache = join(work.path, 'cache-checksum');
    const cold = await build(ctx, cache, 'checksum-cold');
    expect(cold).toMatchObject({ downloads: 1, ran: true });
    const warm = await build(ctx, cache, 'checksum-warm');
    expect(warm).toMatchObject({ downloads: 0, ran: false, digest: cold.digest });
  }, 120_000);
});
