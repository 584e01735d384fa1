/**
 * RUN --network through bin/tsbuild: a loopback HTTP server of the test is reached from a RUN
 * with the default network (and `host`, the same here), and not from `--network=none`, which
 * has only its own loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { E2eHarness } from '../build/e2e-harness.js';

let h: E2eHarness;
let server: Server;
let port: number;
beforeAll(async () => {
  h = await E2eHarness.start();
  server = createServer((_req, res) => res.end('served\n'));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((done) => server?.close(done));
  await h?.stop();
});

// busybox's nc, not its wget: the static busybox wget segfaults inside this base's rootfs.
const probe = (file: string) => `(printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 5 127.0.0.1 $PORT | tail -n 1 | grep . || echo unreachable) > ${file}`;

describe('RUN --network (e2e)', () => {
  it('default and host reach the host loopback; none does not, but has its own lo', async () => {
    const dockerfile = [
      'ARG BASE',
      'FROM ${BASE}',
      'ARG PORT',
      `RUN ${probe('/default')}`,
      `RUN --network=default ${probe('/explicit')}`,
      `RUN --network=host ${probe('/host')}`,
      `RUN --network=none ${probe('/none')}`,
      'RUN --network=none ip -o link show | grep -o "lo:" > /links; ip -o link show | wc -l >> /links',
      '',
    ].join('\n');
    const { run, rootfs, config } = await h.build({ Dockerfile: dockerfile }, ['--build-arg', `PORT=${port}`]);
    expect(run.code, run.stderr).toBe(0);
    const read = (p: string) => readFileSync(join(rootfs, p), 'utf8');
    expect(read('default')).toBe('served\n');
    expect(read('explicit')).toBe('served\n');
    expect(read('host')).toBe('served\n');
    expect(read('none')).toBe('unreachable\n');
    expect(read('links')).toBe('lo:\n1\n');
    expect(config.history.some((e) => e.created_by?.includes('--network=none'))).toBe(true);
  });
});
