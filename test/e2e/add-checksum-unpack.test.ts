/**
 * ADD `--checksum` and `--unpack` through bin/tsbuild against a loopback HTTP server (BuildKit
 * semantics): a URL whose bytes match the checksum is added, a mismatch fails at the line naming
 * both digests, a checksum on a local source is refused; `--unpack=true` extracts a downloaded
 * archive (a non-archive is still copied), `--unpack=false` copies a local archive as is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { E2eHarness } from '../build/e2e-harness.js';

let h: E2eHarness;
let server: Server;
let origin: string;
let archive: Buffer;
const TEXT = 'checked content\n';
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

beforeAll(async () => {
  h = await E2eHarness.start();
  const tree = join(h.work.path, 'archive-tree');
  mkdirSync(join(tree, 'pkg'), { recursive: true });
  writeFileSync(join(tree, 'pkg/file.txt'), 'from the archive\n');
  archive = execFileSync('tar', ['-C', tree, '-czf', '-', 'pkg']);
  server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
    res.end(req.url === '/archive.tar.gz' ? archive : TEXT);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((done) => server?.close(done));
  await h?.stop();
});

const putArchive = (ctx: string) => writeFileSync(join(ctx, 'local.tar.gz'), archive);

describe('ADD --checksum (e2e)', () => {
  it('adds a URL whose bytes have the checksum', async () => {
    const dockerfile = `ARG BASE\nFROM \${BASE}\nARG SUM=sha256:${sha256(TEXT)}\nADD --checksum=\${SUM} ${origin}/text.txt /sum/ok.txt\nADD --checksum=sha256:${sha256(archive)} ${origin}/archive.tar.gz /sum/\n`;
    const { run, rootfs } = await h.build({ Dockerfile: dockerfile });
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(join(rootfs, 'sum/ok.txt'), 'utf8')).toBe(TEXT);
    expect(readFileSync(join(rootfs, 'sum/archive.tar.gz'))).toEqual(archive);
  });

  it('fails at the line naming the expected and the actual digest on a mismatch', async () => {
    const wrong = sha256('something else');
    const { run } = await h.build({ Dockerfile: `ARG BASE\nFROM \${BASE}\nADD --checksum=sha256:${wrong} ${origin}/text.txt /x\n` });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/Dockerfile:3/);
    expect(run.stderr).toContain(`expected sha256:${wrong}, got sha256:${sha256(TEXT)}`);
  });

  it('refuses a checksum on a local source and a malformed checksum', async () => {
    const local = await h.build({ Dockerfile: `ARG BASE\nFROM \${BASE}\nADD --checksum=sha256:${sha256('x')} x.txt /x\n`, 'x.txt': 'x' });
    expect(local.run.code).not.toBe(0);
    expect(local.run.stderr).toMatch(/Dockerfile:3.*non-HTTP\(S\) sources/);
    const bad = await h.build({ Dockerfile: `ARG BASE\nFROM \${BASE}\nADD --checksum=md5:abc ${origin}/text.txt /x\n` });
    expect(bad.run.code).not.toBe(0);
    expect(bad.run.stderr).toMatch(/Dockerfile:3.*invalid --checksum "md5:abc"/);
  });
});

describe('ADD --unpack (e2e)', () => {
  it('extracts a URL archive only with --unpack=true, and keeps a local archive with --unpack=false', async () => {
    const dockerfile = `ARG BASE
FROM \${BASE}
ADD --unpack=true ${origin}/archive.tar.gz /url-unpacked/
ADD ${origin}/archive.tar.gz /url-default/
ADD --unpack=true ${origin}/text.txt /url-text/
ADD --unpack=false local.tar.gz /local-kept/
ADD --unpack=true local.tar.gz /local-unpacked/
ADD local.tar.gz /local-default/
`;
    const { run, rootfs } = await h.build({ Dockerfile: dockerfile }, [], putArchive);
    expect(run.code, run.stderr).toBe(0);
    const at = (p: string) => join(rootfs, p);
    for (const dir of ['url-unpacked', 'local-unpacked', 'local-default']) {
      expect(readFileSync(at(`${dir}/pkg/file.txt`), 'utf8'), dir).toBe('from the archive\n');
    }
    expect(readFileSync(at('url-default/archive.tar.gz'))).toEqual(archive);
    expect(lstatSync(at('url-default/archive.tar.gz')).mode & 0o7777).toBe(0o600);
    expect(readFileSync(at('url-text/text.txt'), 'utf8')).toBe(TEXT);
    expect(readFileSync(at('local-kept/local.tar.gz'))).toEqual(archive);
  });
});
