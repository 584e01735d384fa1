import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { diffScans, scanTree } from '../../src/snapshot/index.js';
import type { RunSpec } from '../../src/sandbox/index.js';
import { busyboxRoot, runIn as runWith } from './rootfs.js';

describe.each(['chroot', 'userns', 'degraded'] as const)('%s isolation leaves no trace for the snapshot', (mode) => {
  const runIn = (root: string, command: string | string[], extra: Partial<RunSpec> = {}) => runWith(root, command, extra, mode);

  it.each([
    ['without /dev, /proc, /sys, /etc', false],
    ['with /dev, /proc, /sys, /etc, hosts and resolv.conf', true],
  ])('a no-op RUN gives an empty diff, rootfs %s', async (_name, withSystemDirs) => {
    await using root = await busyboxRoot(withSystemDirs);
    const before = await scanTree(root.path);
    expect(await runIn(root.path, ['/bin/busybox', 'true'])).toMatchObject({ exitCode: 0 });
    expect(diffScans(before, await scanTree(root.path))).toEqual({ changed: [], deleted: [] });
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(root.path);
  });

  it('a RUN that writes a file gives exactly that file', async () => {
    await using root = await busyboxRoot(true);
    const before = await scanTree(root.path);
    await runIn(root.path, 'echo hi > /etc/motd; cat /etc/hosts > /dev/null');
    expect(diffScans(before, await scanTree(root.path))).toEqual({ changed: ['/etc', '/etc/motd'], deleted: [] });
  });
});

describe.each(['chroot', 'userns'] as const)('%s isolation: the mount points it created', (mode) => {
  const runIn = (root: string, command: string | string[], extra: Partial<RunSpec> = {}) => runWith(root, command, extra, mode);

  it('a RUN that writes into /etc the sandbox created keeps it, and only what it wrote shows', async () => {
    await using root = await busyboxRoot(false);
    const before = await scanTree(root.path);
    await runIn(root.path, 'echo x > /etc/passwd');
    expect(diffScans(before, await scanTree(root.path))).toEqual({ changed: ['/etc', '/etc/passwd'], deleted: [] });
  });
});
