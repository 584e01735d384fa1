import { describe, expect, it } from 'vitest';
import { randomInt } from 'node:crypto';
import { Writable } from 'node:stream';
import type { RunSpec } from '../../src/sandbox/index.js';
import { busyboxRoot, hostPidsWith, runIn as runWith, sandbox as sandboxFor } from './rootfs.js';

const waitFor = async (check: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe.each(['chroot', 'userns'] as const)('%s isolation: processes', (mode) => {
  const runIn = (root: string, command: string | string[], extra: Partial<RunSpec> = {}) => runWith(root, command, extra, mode);
  const sandbox = () => sandboxFor(mode);

  it('kills background processes when the command ends', async () => {
    await using root = await busyboxRoot(true);
    const marker = String(randomInt(100_000, 999_999));
    const out = await runIn(root.path, `/bin/busybox sleep ${marker} & sleep 0.1; kill -0 $! && echo alive`);
    expect(out).toMatchObject({ exitCode: 0, stdout: 'alive\n' });
    expect(hostPidsWith('/bin/busybox', marker)).toEqual([]);
  });

  it('reports the signal that killed the command', async () => {
    await using root = await busyboxRoot(true);
    const marker = String(randomInt(100_000, 999_999));
    const running = runIn(root.path, ['/bin/busybox', 'sleep', marker]);
    await waitFor(() => hostPidsWith('/bin/busybox', marker).length === 1);
    // From the host, SIGKILL reaches the namespace's init (other signals need a handler there).
    process.kill(hostPidsWith('/bin/busybox', marker)[0]!, 'SIGKILL');
    expect(await running).toMatchObject({ exitCode: null, signal: 'SIGKILL' });
  });

  it('on abort kills the whole namespace, then rejects with the reason', async () => {
    await using root = await busyboxRoot(true);
    const marker = String(randomInt(100_000, 999_999));
    const controller = new AbortController();
    const command = `/bin/busybox sleep ${marker} & /bin/busybox sleep ${marker}`;
    const running = runIn(root.path, command, { uid: 1000, gid: 1000, signal: controller.signal });
    await waitFor(() => hostPidsWith('/bin/busybox', marker).length === 2);
    controller.abort(new Error('build cancelled'));
    await expect(running).rejects.toThrow('build cancelled');
    expect(hostPidsWith('/bin/busybox', marker)).toEqual([]);
  });

  it('delivers all output to a slow consumer (backpressure, not loss)', async () => {
    await using root = await busyboxRoot(true);
    let received = 0;
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _enc, done) {
        received += chunk.length;
        setTimeout(done, 1);
      },
    });
    const isolation = await sandbox();
    const result = await isolation.run({
      root: root.path,
      argv: ['/bin/busybox', 'head', '-c', '3000000', '/dev/zero'],
      env: ['PATH=/bin'],
      cwd: '/',
      uid: 0,
      gid: 0,
      groups: [],
      network: 'default',
      stdout: slow,
      stderr: slow,
    });
    expect(result.exitCode).toBe(0);
    expect(received).toBe(3_000_000);
    expect(slow.writableEnded).toBe(false);
  });
});
