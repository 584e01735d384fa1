import { describe, expect, it } from 'vitest';
import { readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { createLogger } from '../../src/log/index.js';
import { probeIsolation } from '../../src/sandbox/index.js';
import { diffScans, scanTree } from '../../src/snapshot/index.js';
import { busyboxRoot, Capture } from './rootfs.js';

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

const spec = (root: string) => ({
  root,
  argv: ['/bin/sh', '-c', 'cat /etc/resolv.conf'],
  env: ['PATH=/bin'],
  cwd: '/',
  uid: 0,
  gid: 0,
  groups: [],
  network: 'default' as const,
  stdout: new Capture(),
  stderr: new Capture(),
});

describe('chroot isolation: mount points in unusual rootfs trees', () => {
  it('logs what the probe found at debug level', async () => {
    const { records, logger } = recordingLogger();
    await probeIsolation(logger);
    expect(records).toContainEqual(expect.objectContaining({ level: 20, msg: 'sandbox probe', isolation: 'chroot' }));
  });

  it('leaves a resolv.conf symlink to the image, with a warning', async () => {
    const { records, logger } = recordingLogger();
    await using root = await busyboxRoot(true);
    await rm(join(root.path, 'etc/resolv.conf'));
    await writeFile(join(root.path, 'etc/image-resolv.conf'), 'nameserver 192.0.2.1\n');
    await symlink('image-resolv.conf', join(root.path, 'etc/resolv.conf'));
    const run = spec(root.path);
    await (await probeIsolation(logger)).run(run);
    expect(run.stdout.text).toBe('nameserver 192.0.2.1\n');
    expect(records).toContainEqual(expect.objectContaining({ level: 40, path: '/etc/resolv.conf' }));
  });

  it('refuses a /dev that is a symlink, and removes what it had created', async () => {
    const { logger } = recordingLogger();
    await using root = await busyboxRoot(false);
    await symlink('/dev', join(root.path, 'dev'));
    const before = await scanTree(root.path);
    await expect((await probeIsolation(logger)).run(spec(root.path))).rejects.toMatchObject({
      code: 'TSB_SANDBOX',
      message: expect.stringContaining('/dev in the rootfs is not a directory'),
    });
    expect((await readdir(root.path)).sort()).toEqual(['bin', 'dev']);
    expect(diffScans(before, await scanTree(root.path))).toEqual({ changed: [], deleted: [] });
  });
});
