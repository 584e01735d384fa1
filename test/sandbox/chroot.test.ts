import { describe, expect, it } from 'vitest';
import { chown, copyFile, mkdir, readFile, rm, stat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSpec } from '../../src/sandbox/index.js';
import { busyboxRoot, runIn as runWith, sandbox } from './rootfs.js';

describe('isolation choice on this host', () => {
  it('picks chroot for root with CAP_SYS_ADMIN', async () => {
    expect((await sandbox()).name).toBe('chroot');
  });
});

// userns is what runs inside an unprivileged container; on this host it makes the same view
// through a user namespace with identity maps (test/e2e/executor-image.test.ts runs it in one).
describe.each(['chroot', 'userns'] as const)('%s isolation: the command and its view', (mode) => {
  const runIn = (root: string, command: string | string[], extra: Partial<RunSpec> = {}) => runWith(root, command, extra, mode);

  it('is what the probe returns when asked for it', async () => {
    expect((await sandbox(mode)).name).toBe(mode);
  });

  it('runs a shell command and reports its exit code', async () => {
    await using root = await busyboxRoot(true);
    expect(await runIn(root.path, 'echo hello; echo oops >&2')).toMatchObject({
      exitCode: 0,
      signal: null,
      stdout: 'hello\n',
      stderr: 'oops\n',
    });
    expect(await runIn(root.path, 'exit 42')).toMatchObject({ exitCode: 42, signal: null });
  });

  it('passes exactly spec.env, in order, and searches its PATH inside the root', async () => {
    await using root = await busyboxRoot(false);
    await rm(join(root.path, 'bin'), { recursive: true });
    await mkdir(join(root.path, 'custom'));
    await copyFile('/bin/busybox', join(root.path, 'custom/busybox'));
    const env = ['ZED=last-first', 'A=1', 'PATH=/custom', 'EMPTY=', 'EQ=a=b'];
    const out = await runIn(root.path, ['busybox', 'env'], { env });
    expect(out.stdout).toBe(env.map((e) => `${e}\n`).join(''));
  });

  it('runs in cwd as the given uid, gid and exactly the given groups', async () => {
    await using root = await busyboxRoot(true);
    await mkdir(join(root.path, 'work'));
    await chown(join(root.path, 'work'), 1000, 1000);
    const out = await runIn(
      root.path,
      'pwd; id -u; id -g; id -G; grep -E "^(Uid|Gid|Groups):" /proc/self/status; touch mine; echo x > /dev/null && echo null-ok',
      { cwd: '/work', uid: 1000, gid: 1001, groups: [10, 20] },
    );
    expect(out.stderr).toBe('');
    expect(out.stdout).toBe(
      '/work\n1000\n1001\n1001 10 20\nUid:\t1000\t1000\t1000\t1000\nGid:\t1001\t1001\t1001\t1001\nGroups:\t10 20 \nnull-ok\n',
    );
    const st = await stat(join(root.path, 'work/mine'));
    expect([st.uid, st.gid]).toEqual([1000, 1001]);
    const none = await runIn(root.path, 'grep ^Groups: /proc/self/status', { uid: 1000, gid: 1000, groups: [] });
    expect(none.stdout.trimEnd()).toBe('Groups:');
  });

  it('gives root Docker’s default capabilities only, and a non-root user none', async () => {
    await using root = await busyboxRoot(true);
    expect((await runIn(root.path, 'grep CapBnd /proc/self/status')).stdout).toBe('CapBnd:\t00000000a80425fb\n');
    expect((await runIn(root.path, 'grep CapEff /proc/self/status', { uid: 1000, gid: 1000 })).stdout).toBe(
      'CapEff:\t0000000000000000\n',
    );
    const mounts = await runIn(root.path, 'mount -t tmpfs x /tmp 2>/dev/null; echo $?; umount /proc 2>/dev/null; echo $?');
    expect(mounts.stdout).toBe('1\n1\n');
  });

  it('provides /dev, a fresh /proc where the command is pid 1, /sys, resolv.conf and hosts', async () => {
    await using root = await busyboxRoot(false);
    const out = await runIn(
      root.path,
      'echo $$; ls /dev | sort | tr "\\n" " "; echo; test -d /proc/self && echo proc; test -d /sys/class && echo sys; ' +
        'touch /sys/x 2>/dev/null || echo sys-ro; cat /etc/resolv.conf; cat /etc/hosts',
    );
    const lines = out.stdout.split('\n');
    expect(lines[0]).toBe('1');
    expect(lines[1]!.trim().split(' ')).toEqual(expect.arrayContaining(['fd', 'full', 'null', 'random', 'shm', 'stderr', 'stdin', 'stdout', 'urandom', 'zero']));
    expect(lines.slice(2, 5)).toEqual(['proc', 'sys', 'sys-ro']);
    expect(out.stdout).toContain(readFileSync('/etc/resolv.conf', 'utf8'));
    expect(out.stdout).toContain('127.0.0.1\tlocalhost\n');
  });

  it('keeps edits of resolv.conf and hosts away from the host and the image', async () => {
    await using root = await busyboxRoot(true);
    const before = await readFile(join(root.path, 'etc/hosts'), 'utf8');
    expect((await runIn(root.path, 'echo 10.0.0.1 extra >> /etc/hosts && grep -c extra /etc/hosts')).stdout).toBe('1\n');
    expect(await readFile(join(root.path, 'etc/hosts'), 'utf8')).toBe(before);
    expect(readFileSync('/etc/hosts', 'utf8')).not.toContain('10.0.0.1 extra');
  });

  it('runs a static binary in a root without a shell (exec form, PATH search)', async () => {
    await using root = await busyboxRoot(false);
    await rm(join(root.path, 'bin'), { recursive: true });
    await copyFile('/bin/busybox', join(root.path, 'busybox'));
    expect((await runIn(root.path, ['/busybox', 'echo', 'no shell'])).stdout).toBe('no shell\n');
    expect((await runIn(root.path, ['busybox', 'echo', 'via PATH'], { env: ['PATH=/'] })).stdout).toBe('via PATH\n');
  });

  it('fails clearly for a missing working directory or executable', async () => {
    await using root = await busyboxRoot(true);
    await expect(runIn(root.path, 'true', { cwd: '/nowhere' })).rejects.toMatchObject({
      code: 'TSB_RUN_FAILED',
      message: expect.stringContaining('working directory /nowhere'),
    });
    await expect(runIn(root.path, ['no-such-tool', 'x'])).rejects.toMatchObject({
      code: 'TSB_RUN_FAILED',
      message: expect.stringContaining('exec no-such-tool: No such file or directory'),
    });
  });

  it('with network none sees only lo, and it is up', async () => {
    await using root = await busyboxRoot(true);
    const out = await runIn(root.path, ['/bin/busybox', 'ip', '-o', 'link'], { network: 'none' });
    const links = out.stdout.trim().split('\n');
    expect(links).toHaveLength(1);
    expect(links[0]).toMatch(/^1: lo: <LOOPBACK,UP,LOWER_UP>/);
    const ping = await runIn(root.path, ['/bin/busybox', 'ping', '-c', '1', '-W', '2', '127.0.0.1'], { network: 'none' });
    expect(ping.exitCode).toBe(0);
  });

  it('with the default network sees the host’s interfaces', async () => {
    await using root = await busyboxRoot(true);
    const hostLinks = readFileSync('/proc/net/dev', 'utf8').trim().split('\n').slice(2).length;
    const out = await runIn(root.path, 'tail -n +3 /proc/net/dev | wc -l');
    expect(Number(out.stdout.trim())).toBe(hostLinks);
  });
});
