import { describe, expect, it } from 'vitest';
import { randomInt } from 'node:crypto';
import { lstat, mkdir } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { createLogger, silentLogger } from '../../src/log/index.js';
import { probeIsolation } from '../../src/sandbox/index.js';
import { diffScans, scanTree } from '../../src/snapshot/index.js';
import { busyboxRoot, hostPidsWith, runIn } from './rootfs.js';

const run = (root: string, command: string | string[], extra = {}) => runIn(root, command, extra, 'degraded');

function recordingLogger() {
  const records: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      records.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { records, logger: createLogger({ format: 'json', level: 'debug', destination }) };
}

describe('degraded isolation: chroot without namespaces', () => {
  it('is announced with a warning that lists what RUN lacks', async () => {
    const { records, logger } = recordingLogger();
    expect((await probeIsolation(logger, { mode: 'degraded' })).name).toBe('degraded');
    const warning = records.find((r) => r['level'] === 40);
    expect(warning?.['msg']).toMatch(/RUN isolation is degraded.*\/proc and \/sys.*pid namespace.*--network=none/);
  });

  it('runs in the rootfs as the given user, with device nodes it removes afterwards', async () => {
    await using root = await busyboxRoot(true);
    await mkdir(join(root.path, 'work'), { mode: 0o777 });
    const before = await scanTree(root.path);
    const out = await run(root.path, 'pwd; id -u; id -G; echo x > /dev/null && echo null-ok; test -e /proc/self || echo no-proc', {
      cwd: '/work',
      uid: 1000,
      gid: 1000,
      groups: [10],
    });
    expect(out).toMatchObject({ exitCode: 0, stdout: '/work\n1000\n1000 10\nnull-ok\nno-proc\n' });
    expect(diffScans(before, await scanTree(root.path))).toEqual({ changed: [], deleted: [] });
    await expect(lstat(join(root.path, 'dev/null'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('kills what the command left running, and refuses --network=none', async () => {
    await using root = await busyboxRoot(true);
    const marker = String(randomInt(100_000, 999_999));
    expect(await run(root.path, `/bin/busybox sleep ${marker} & echo started`)).toMatchObject({ exitCode: 0, stdout: 'started\n' });
    expect(hostPidsWith('/bin/busybox', marker)).toEqual([]);
    await expect(run(root.path, 'true', { network: 'none' })).rejects.toMatchObject({ code: 'TSB_RUN_FAILED' });
  });
});

describe('probeIsolation: forced modes', () => {
  it('fails with every reason when the forced strategy cannot work here', async () => {
    await expect(probeIsolation(silentLogger(), { mode: 'rootless' })).rejects.toMatchObject({
      code: 'TSB_SANDBOX',
      message: 'cannot run RUN commands with --isolation rootless: rootless: for non-root users (running as root)',
    });
  });

  it('logs the choice and what was refused at debug level', async () => {
    const { records, logger } = recordingLogger();
    await probeIsolation(logger, { mode: 'userns' });
    expect(records).toContainEqual(expect.objectContaining({ level: 20, msg: 'sandbox probe', isolation: 'userns', mode: 'userns' }));
  });
});
