/**
 * ADD through bin/tsbuild: local files copied, local archives (gzip, bzip2, xz, zstd, plain tar)
 * recognised by content and extracted with the archive's owners and modes (or --chown), a file
 * named like an archive but not one copied as is, and URLs from a loopback HTTP server
 * downloaded (0600, Last-Modified, never extracted, named after the URL path).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, readlinkSync, writeFileSync, chownSync, chmodSync, linkSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { E2eHarness } from '../build/e2e-harness.js';

let h: E2eHarness;
let server: Server;
let origin: string;
const LAST_MODIFIED = 'Wed, 21 Oct 2015 07:28:00 GMT';

beforeAll(async () => {
  h = await E2eHarness.start();
  server = createServer((req, res) => {
    if (req.url === '/missing') {
      res.writeHead(404).end('no');
      return;
    }
    res.writeHead(200, { 'Last-Modified': LAST_MODIFIED, 'Content-Type': 'application/octet-stream' });
    res.end(req.url === '/files/data.tar.gz' ? execFileSync('gzip', ['-c'], { input: 'not really a tar\n' }) : `served ${req.url}\n`);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((done) => server?.close(done));
  await h?.stop();
});

/** Makes the archives in the context from a small tree with owners, modes and links. */
function makeArchives(ctx: string): void {
  const tree = join(ctx, '..', `tree-${Date.now()}`);
  mkdirSync(join(tree, 'pkg/bin'), { recursive: true });
  writeFileSync(join(tree, 'pkg/bin/tool'), '#!/bin/sh\necho tool\n');
  chmodSync(join(tree, 'pkg/bin/tool'), 0o750);
  chownSync(join(tree, 'pkg/bin/tool'), 1000, 1000);
  linkSync(join(tree, 'pkg/bin/tool'), join(tree, 'pkg/bin/tool-hard'));
  symlinkSync('bin/tool', join(tree, 'pkg/link'));
  const tar = (name: string, ...flags: string[]) => execFileSync('tar', ['-C', tree, ...flags, '-cf', join(ctx, name), 'pkg']);
  tar('archive.tar');
  tar('archive.tar.gz', '-z');
  tar('archive.tar.bz2', '-j');
  tar('archive.tar.xz', '-J');
  tar('archive.tar.zst', '--zstd');
  tar('disguised.bin', '-z');
}

describe('ADD (e2e)', () => {
  it('copies files, extracts local archives by content, and downloads URLs', async () => {
    const dockerfile = `ARG BASE
FROM \${BASE}
ADD plain.txt /add/plain.txt
ADD archive.tar /add/tar/
ADD archive.tar.gz /add/gz
ADD archive.tar.bz2 archive.tar.xz archive.tar.zst /add/multi/
ADD disguised.bin /add/disguised/
ADD looks-like.tar.gz /add/
ADD --chown=app:app archive.tar.gz /add/owned/
ADD ${origin}/files/data.tar.gz /add/url/
ADD --chmod=0644 ${origin}/files/data.tar.gz /add/url-chmod
ADD ${origin}/ /add/url-root/
`;
    const { run, rootfs } = await h.build(
      { Dockerfile: dockerfile, 'plain.txt': 'plain\n', 'looks-like.tar.gz': 'just text\n' },
      [],
      makeArchives,
    );
    expect(run.code, run.stderr).toBe(0);
    const at = (p: string) => join(rootfs, p);
    const st = (p: string) => lstatSync(at(p));
    expect(readFileSync(at('add/plain.txt'), 'utf8')).toBe('plain\n');
    for (const dir of ['add/tar', 'add/gz', 'add/multi', 'add/disguised']) {
      expect(readFileSync(at(`${dir}/pkg/bin/tool`), 'utf8')).toBe('#!/bin/sh\necho tool\n');
      expect(st(`${dir}/pkg/bin/tool`).mode & 0o7777).toBe(0o750);
      expect([st(`${dir}/pkg/bin/tool`).uid, st(`${dir}/pkg/bin/tool`).gid]).toEqual([1000, 1000]);
      expect(st(`${dir}/pkg/bin/tool-hard`).ino).toBe(st(`${dir}/pkg/bin/tool`).ino);
      expect(readlinkSync(at(`${dir}/pkg/link`))).toBe('bin/tool');
    }
    expect(readFileSync(at('add/looks-like.tar.gz'), 'utf8')).toBe('just text\n');
    expect([st('add/owned/pkg/bin/tool').uid, st('add/owned/pkg').gid]).toEqual([1000, 1000]);
    // A URL is downloaded, never extracted, 0600 unless --chmod, with Last-Modified as mtime.
    expect(st('add/url/data.tar.gz').isFile()).toBe(true);
    expect(st('add/url/data.tar.gz').mode & 0o7777).toBe(0o600);
    expect(st('add/url/data.tar.gz').mtime.getTime()).toBe(Date.parse(LAST_MODIFIED));
    expect(st('add/url-chmod').mode & 0o7777).toBe(0o644);
    expect(readFileSync(at('add/url-root/__unnamed__'), 'utf8')).toBe('served /\n');
  });

  it('fails with the line and the status when a URL cannot be fetched', async () => {
    const { run } = await h.build({ Dockerfile: `ARG BASE\nFROM \${BASE}\nADD ${origin}/missing /x\n` });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Dockerfile:3/);
    expect(run.stderr).toMatch(/invalid response status 404/);
  });
});
