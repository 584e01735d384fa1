import { describe, expect, it } from 'vitest';
import { readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { diffScans, scanTree } from '../../src/snapshot/index.js';
import type { RunMount, RunSpec } from '../../src/sandbox/index.js';
import { tempDir } from '../helpers/temp-dir.js';
import { busyboxRoot, runIn as runWith } from './rootfs.js';

describe.each(['chroot', 'userns'] as const)('%s isolation: RUN mounts', (mode) => {
  const runIn = (root: string, command: string, mounts: readonly RunMount[], extra: Partial<RunSpec> = {}) =>
    runWith(root, command, { mounts, ...extra }, mode);

  it('a no-op RUN with bind and tmpfs mounts at missing, nested targets gives an empty diff', async () => {
    await using root = await busyboxRoot(true);
    await using host = await tempDir({ 'data/a.txt': 'A', 'secret': 's3cret' });
    const before = await scanTree(root.path);
    const mtime = statSync(root.path, { bigint: true }).mtimeNs;
    const mounts: RunMount[] = [
      { kind: 'bind', source: join(host.path, 'data'), target: '/mnt/deep/data', readonly: true },
      { kind: 'bind', source: join(host.path, 'secret'), target: '/run/secrets/token', readonly: true },
      { kind: 'tmpfs', target: '/tmp/scratch' },
    ];
    const out = await runIn(root.path, 'cat /mnt/deep/data/a.txt /run/secrets/token; ls /tmp/scratch | wc -l', mounts);
    expect(out).toMatchObject({ exitCode: 0, stdout: 'As3cret0\n' });
    expect(diffScans(before, await scanTree(root.path))).toEqual({ changed: [], deleted: [] });
    expect(statSync(root.path, { bigint: true }).mtimeNs).toBe(mtime);
    expect(await readdir(root.path)).not.toContain('mnt');
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(root.path);
  });

  it('writes under a tmpfs or a read-write bind never reach the rootfs; a rw bind writes to its source', async () => {
    await using root = await busyboxRoot(true);
    await using host = await tempDir({ 'cache/old': 'x' });
    const before = await scanTree(root.path);
    const mounts: RunMount[] = [
      { kind: 'bind', source: join(host.path, 'cache'), target: '/root/.cache', readonly: false },
      { kind: 'tmpfs', target: '/tmp', sizeBytes: 1 << 20 },
    ];
    const out = await runIn(root.path, 'echo new > /root/.cache/new && echo t > /tmp/t && cat /tmp/t', mounts);
    expect(out).toMatchObject({ exitCode: 0, stdout: 't\n' });
    expect(diffScans(before, await scanTree(root.path))).toEqual({ changed: [], deleted: [] });
    expect(await readFile(join(host.path, 'cache/new'), 'utf8')).toBe('new\n');
  });

  it('a read-only bind refuses writes, even by root', async () => {
    await using root = await busyboxRoot(true);
    await using host = await tempDir({ 'src/f': 'keep' });
    const out = await runIn(root.path, 'echo no > /src/f; echo no > /src/g; cat /src/f', [
      { kind: 'bind', source: join(host.path, 'src'), target: '/src', readonly: true },
    ]);
    expect(out.stderr).toMatch(/Read-only file system/);
    expect(out.stdout).toBe('keep');
    expect(await readFile(join(host.path, 'src/f'), 'utf8')).toBe('keep');
  });

  it('removes its mount points after a failing command too', async () => {
    await using root = await busyboxRoot(true);
    const before = await scanTree(root.path);
    const out = await runIn(root.path, 'exit 3', [{ kind: 'tmpfs', target: '/var/cache/apt' }]);
    expect(out.exitCode).toBe(3);
    expect(diffScans(before, await scanTree(root.path))).toEqual({ changed: [], deleted: [] });
  });

  it('a tmpfs honours its size', async () => {
    await using root = await busyboxRoot(true);
    const out = await runIn(root.path, 'dd if=/dev/zero of=/t/big bs=1024 count=200 2>&1; echo rc=$?', [
      { kind: 'tmpfs', target: '/t', sizeBytes: 64 * 1024 },
    ]);
    expect(out.stdout).toMatch(/No space left on device[\s\S]*rc=1/);
  });

  it('resolves a target through a symlink inside the rootfs, and makes /dev targets in the sandbox /dev', async () => {
    await using root = await busyboxRoot(true);
    await using host = await tempDir({ script: '#!/bin/sh\necho from-script\n', x: 'via-symlink\n' });
    await mkdir(join(root.path, 'run'));
    await mkdir(join(root.path, 'var'));
    await symlink('../run', join(root.path, 'var/run'));
    await writeFile(join(root.path, 'run/keep'), '');
    const before = await scanTree(root.path);
    const out = await runIn(root.path, 'cat /run/app/x; sh /dev/pipes/EOF', [
      { kind: 'bind', source: join(host.path), target: '/var/run/app', readonly: true },
      { kind: 'bind', source: join(host.path, 'script'), target: '/dev/pipes/EOF', readonly: true },
    ]);
    expect(out).toMatchObject({ exitCode: 0, stdout: 'via-symlink\nfrom-script\n' });
    expect(diffScans(before, await scanTree(root.path))).toEqual({ changed: [], deleted: [] });
  });

  it('refuses targets the sandbox owns, overlapping targets and sources that do not exist, leaving the rootfs alone', async () => {
    await using root = await busyboxRoot(true);
    const before = await scanTree(root.path);
    await expect(runIn(root.path, 'true', [{ kind: 'tmpfs', target: '/proc/x' }])).rejects.toMatchObject({ code: 'TSB_SANDBOX' });
    await expect(runIn(root.path, 'true', [{ kind: 'tmpfs', target: 'relative' }])).rejects.toThrow(/not an absolute path/);
    await expect(runIn(root.path, 'true', [{ kind: 'tmpfs', target: '/a' }, { kind: 'tmpfs', target: '/a/b' }])).rejects.toThrow(/overlap/);
    await expect(runIn(root.path, 'true', [{ kind: 'bind', source: '/nonexistent/x', target: '/x', readonly: true }])).rejects.toThrow(
      /mount source \/nonexistent\/x cannot be used/,
    );
    expect(diffScans(before, await scanTree(root.path))).toEqual({ changed: [], deleted: [] });
  });

  it('network host is the host network, as default is', async () => {
    await using root = await busyboxRoot(true);
    const out = await runIn(root.path, 'cat /proc/net/dev | wc -l', [], { network: 'host' });
    expect(Number(out.stdout.trim())).toBe(readFileSync('/proc/net/dev', 'utf8').trim().split('\n').length);
  });
});

describe('degraded isolation: RUN mounts', () => {
  it('refuses mounts with a clear error instead of running without them', async () => {
    await using root = await busyboxRoot(true);
    await expect(runWith(root.path, 'true', { mounts: [{ kind: 'tmpfs', target: '/t' }] }, 'degraded')).rejects.toMatchObject({
      code: 'TSB_SANDBOX',
      message: expect.stringContaining('degraded sandbox cannot make'),
    });
  });
});
