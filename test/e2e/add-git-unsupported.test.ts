/**
 * ADD from a git repository is not implemented yet: every source BuildKit would clone (an
 * http(s) URL ending in `.git`, `git://`, `ssh://`, scp-style `git@host:path`) fails at its line
 * as unsupported, instead of being downloaded as a web page or looked up in the context; an
 * http(s) URL without `.git` is still downloaded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { E2eHarness } from '../build/e2e-harness.js';

let h: E2eHarness;
let server: Server;
let origin: string;
beforeAll(async () => {
  h = await E2eHarness.start();
  server = createServer((req, res) => res.end(`page ${req.url}\n`));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((done) => server?.close(done));
  await h?.stop();
});

describe('ADD from git (e2e)', () => {
  it('refuses each git source at its line, with and without the layer cache', async () => {
    const sources = [`${origin}/org/repo.git`, `${origin}/org/repo.git#main:sub`, 'git://127.0.0.1/repo', 'ssh://git@127.0.0.1/repo', 'git@127.0.0.1:org/repo.git'];
    for (const src of sources) {
      for (const args of [[], ['--cache', '--cache-repo', `${h.registry.host}/e2e/cache`]]) {
        const { run } = await h.build({ Dockerfile: `ARG BASE\nFROM \${BASE}\nADD ${src} /dst/\n` }, args);
        expect(run.code, src).not.toBe(0);
        expect(run.stderr, src).toMatch(/Dockerfile:3/);
        expect(run.stderr, src).toContain(`ADD from a git repository (${src}) is not supported yet`);
      }
    }
  });

  it('still downloads an http URL that does not end in .git', async () => {
    const { run, rootfs } = await h.build({ Dockerfile: `ARG BASE\nFROM \${BASE}\nADD ${origin}/org/repo.github /dst/\n` });
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(join(rootfs, 'dst/repo.github'), 'utf8')).toBe('page /org/repo.github\n');
  });
});
