/**
 * Rootless builds through the real bin/tsbuild, run as a non-root user (one that exists only in
 * the test's private mount namespace, test/helpers/private-user.ts): tsbuild re-executes itself
 * in a user namespace with the user's subordinate ids, so base layers keep their owners, RUN can
 * chown and switch users and has /proc, and the image is the one root builds, digest for digest.
 * Outputs belong to the user; the work dir is gone afterwards, also after a Ctrl-C. Without
 * subordinate ids, a base with files of other owners fails, naming the file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pushBusybox } from '../helpers/busybox-image.js';
import { finished, privateUser, type PrivateUser } from '../helpers/private-user.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { runTsbuild } from '../helpers/run-tsbuild.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';
import { readTreeFacts } from '../helpers/tree-facts.js';
import { unpackLayout } from '../helpers/unpack-image.js';

const BIN = resolve(import.meta.dirname, '../../bin/tsbuild');

const DOCKERFILE = `ARG BASE
FROM \${BASE}
RUN echo 'dev:x:1001:1001::/home:/bin/sh' >> /etc/passwd && echo 'dev:x:1001:' >> /etc/group \\
 && mkdir /data && chown 1000:1000 /data && echo high > /data/high && chown 54321:54322 /data/high && chown dev:dev /home
COPY --chown=1000:10 f.txt /owned/f.txt
COPY --chown=54321:65534 f.txt /high.txt
RUN test "$(cut -d' ' -f1 /proc/self/stat)" -gt 0 && ls /proc/self/fd > /dev/null && echo proc-ok > /proc-ok
USER app
RUN id -u > /tmp/app-id && touch /home/app/made-by-app
`;

let registry: TestRegistry;
/** Needs the credentials in the user's ~/.docker/config.json. */
let secured: TestRegistry;
let dir: TempDir;
let base: string;
let user: PrivateUser;
let plain: PrivateUser;

/** Files and directories under `path` (itself included) whose owner is not `uid`. */
function notOwnedBy(path: string, uid: number): string[] {
  const st = lstatSync(path);
  const own = st.uid === uid && st.gid === uid ? [] : [`${path} ${st.uid}:${st.gid}`];
  if (!st.isDirectory()) return own;
  return [...own, ...readdirSync(path).flatMap((name) => notOwnedBy(join(path, name), uid))];
}

/** A directory the user owns. */
function userDir(path: string, owner: PrivateUser): string {
  mkdirSync(path, { recursive: true });
  execFileSync('chown', [`${owner.uid}:${owner.gid}`, path]);
  return path;
}

function context(name: string, dockerfile = DOCKERFILE): string {
  const ctx = join(dir.path, name);
  mkdirSync(ctx);
  writeFileSync(join(ctx, 'Dockerfile'), dockerfile);
  writeFileSync(join(ctx, 'f.txt'), 'f\n');
  chmodSync(ctx, 0o755);
  return ctx;
}

function buildAs(who: PrivateUser, args: readonly string[]) {
  return who.spawn([process.execPath, BIN, ...args]);
}

beforeAll(async () => {
  [registry, secured] = await Promise.all([startRegistry(), startRegistry({ users: { builder: 'right' } })]);
  dir = await tempDir();
  chmodSync(dir.path, 0o755);
  await pushBusybox(registry.host, join(dir.path));
  base = `${registry.host}/base/busybox:latest`;
  // uids without a passwd entry on this machine, so none of its users or processes is involved.
  user = await privateUser(join(dir.path, 'user'), { uid: 61234, name: 'tsbrootless', subuid: { start: 400000, count: 65536 } });
  plain = await privateUser(join(dir.path, 'plain'), { uid: 61235, name: 'tsbplain' });
  const docker = userDir(join(user.home, '.docker'), user);
  writeFileSync(join(docker, 'config.json'), JSON.stringify({ auths: { [secured.host]: { auth: Buffer.from('builder:right').toString('base64') } } }), { mode: 0o600 });
  execFileSync('chown', [`${user.uid}:${user.gid}`, join(docker, 'config.json')]);
}, 60_000);

afterAll(async () => {
  await Promise.all([registry?.stop(), secured?.stop()]);
  await dir?.[Symbol.asyncDispose]();
});

describe('rootless builds (a non-root user with subordinate ids)', () => {
  it('builds the image root builds, with the owners of the base and of RUN and COPY --chown', async () => {
    const ctx = context('ctx');
    const out = userDir(join(dir.path, 'user-out'), user);
    const work = userDir(join(dir.path, 'user-work'), user);
    const common = ['--context', ctx, '--build-arg', `BASE=${base}`, '--reproducible'];
    const rootless = await finished(
      buildAs(user, [
        ...common,
        '--destination', `${secured.host}/rootless/app:user`,
        '--kaniko-dir', work,
        '--tar-path', join(out, 'image.tar'),
        '--oci-layout-path', join(out, 'layout'),
        '--digest-file', join(out, 'digest'),
      ]),
    );
    expect(rootless.code, rootless.stderr).toBe(0);
    const asRoot = await runTsbuild([...common, '--destination', `${registry.host}/rootless/app:root`, '--digest-file', join(dir.path, 'root-digest')]);
    expect(asRoot.code, asRoot.stderr).toBe(0);

    // Pushed with the user's own credentials (HOME is the user's), as the same image root builds.
    expect(rootless.stderr).toContain(`${secured.host}/rootless/app:user`);
    const digest = readFileSync(join(out, 'digest'), 'utf8').trim();
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(digest).toBe(readFileSync(join(dir.path, 'root-digest'), 'utf8').trim());

    // Owners as an independent reader sees them.
    const unpacked = await unpackLayout(join(out, 'layout'), join(dir.path, 'unpacked'));
    const facts = readTreeFacts(unpacked.rootfs);
    const owner = (p: string) => [facts.get(p)?.uid, facts.get(p)?.gid];
    expect(owner('/home/app')).toEqual([1000, 1000]);
    expect(owner('/home/app/made-by-app')).toEqual([1000, 1000]);
    expect(owner('/home')).toEqual([1001, 1001]);
    expect(owner('/data')).toEqual([1000, 1000]);
    expect(owner('/data/high')).toEqual([54321, 54322]);
    expect(owner('/owned/f.txt')).toEqual([1000, 10]);
    expect(owner('/high.txt')).toEqual([54321, 65534]);
    expect(owner('/bin/busybox')).toEqual([0, 0]);
    expect(readFileSync(join(unpacked.rootfs, 'proc-ok'), 'utf8')).toBe('proc-ok\n');
    expect(readFileSync(join(unpacked.rootfs, 'tmp/app-id'), 'utf8')).toBe('1000\n');

    // The outputs belong to the user; the work dir is empty again.
    expect(notOwnedBy(out, user.uid)).toEqual([]);
    expect(readdirSync(work)).toEqual([]);
  }, 180_000);

  it('runs RUN with --isolation rootless inside the namespace, with /proc and other users', async () => {
    const ctx = context('ctx-isolation', `ARG BASE\nFROM \${BASE}\nRUN ls /proc/self/fd > /dev/null && chown 1000 /tmp\nUSER app\nRUN id -u\n`);
    const result = await finished(buildAs(user, ['--context', ctx, '--build-arg', `BASE=${base}`, '--no-push', '--isolation', 'rootless', '--verbosity', 'debug']));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/"isolation":"chroot"/);
  }, 120_000);

  it('skips device nodes of a base image with a warning, as moby does in a user namespace', async () => {
    // A base whose layer holds a character device, made by root (the kernel lets root mknod).
    const withDevice = `${registry.host}/rootless/with-device:latest`;
    const made = await runTsbuild(['--context', context('ctx-device-base', `ARG BASE\nFROM \${BASE}\nRUN mknod /null-node c 1 3\n`), '--build-arg', `BASE=${base}`, '--destination', withDevice]);
    expect(made.code, made.stderr).toBe(0);
    const ctx = context('ctx-device', `ARG BASE\nFROM \${BASE}\nRUN echo built > /built\n`);
    const out = userDir(join(dir.path, 'device-out'), user);
    const result = await finished(buildAs(user, ['--context', ctx, '--build-arg', `BASE=${withDevice}`, '--no-push', '--oci-layout-path', join(out, 'layout')]));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/skipped 1 device node\(s\)/);
    const unpacked = await unpackLayout(join(out, 'layout'), join(dir.path, 'device-unpacked'));
    // The base layer still carries the device; only the rootless rootfs lacked it.
    expect(lstatSync(join(unpacked.rootfs, 'null-node')).isCharacterDevice()).toBe(true);
    expect(readFileSync(join(unpacked.rootfs, 'built'), 'utf8')).toBe('built\n');
  }, 120_000);

  /** Starts a build whose RUN sleeps, waits until the RUN runs, and hands back the launcher. */
  async function sleepingBuild(name: string) {
    const ctx = context(`ctx-${name}`, `ARG BASE\nFROM \${BASE}\nRUN echo started > /started && sleep 300\n`);
    const work = userDir(join(dir.path, `user-work-${name}`), user);
    const child = buildAs(user, ['--context', ctx, '--build-arg', `BASE=${base}`, '--no-push', '--kaniko-dir', work]);
    const ended = finished(child);
    // The RUN has started once its file exists in the stage's rootfs.
    const started = () => execFileSync('find', [work, '-name', 'started'], { encoding: 'utf8' }).trim() !== '';
    for (let i = 0; i < 600 && !started(); i += 1) await sleep(100);
    expect(started()).toBe(true);
    return { pid: child.pid!, ended, work };
  }

  /** Waits until nothing of the user's runs (killed processes may be zombies for a moment). */
  async function nothingLeftRunning(): Promise<string> {
    const left = () => spawnSync('ps', ['-u', String(user.uid), '-o', 'pid=,stat=,args='], { encoding: 'utf8' }).stdout.trim();
    for (let i = 0; i < 100 && left() !== ''; i += 1) await sleep(100);
    return left();
  }

  it('stops the build on SIGINT to tsbuild, killing what it started and leaving no files behind', async () => {
    const build = await sleepingBuild('sigint');
    process.kill(build.pid, 'SIGINT');
    const result = await build.ended;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('interrupted by SIGINT');
    expect(readdirSync(build.work)).toEqual([]);
    expect(await nothingLeftRunning()).toBe('');
  }, 120_000);

  it('stops the build and cleans up when the launcher itself is killed (SIGKILL)', async () => {
    const build = await sleepingBuild('sigkill');
    process.kill(build.pid, 'SIGKILL');
    expect((await build.ended).signal).toBe('SIGKILL');
    expect(await nothingLeftRunning()).toBe('');
    expect(readdirSync(build.work)).toEqual([]);
  }, 120_000);
});

describe('rootless builds without subordinate ids', () => {
  it('refuses a base image with files of another owner, naming the file', async () => {
    const ctx = context('ctx-plain', `ARG BASE\nFROM \${BASE}\nRUN echo x > /x\n`);
    const work = userDir(join(dir.path, 'plain-work'), plain);
    const result = await finished(buildAs(plain, ['--context', ctx, '--build-arg', `BASE=${base}`, '--no-push', '--kaniko-dir', work]));
    expect(result.code).toBe(1);
    // The owner cannot be given without a subordinate id for it: refused, never faked.
    expect(result.stderr).toMatch(/cannot give layer entry "home\/app\/?" its owner \d+:\d+: that id is not mapped in the user namespace .*\/etc\/subuid.*\[TSB_ID_UNMAPPED\]/);
    expect(readdirSync(work)).toEqual([]);
  }, 120_000);

  it('builds a base whose files all belong to root, as the user', async () => {
    const ctx = context('ctx-plain-root', 'FROM scratch\nCOPY f.txt /f.txt\n');
    const out = userDir(join(dir.path, 'plain-out'), plain);
    const result = await finished(buildAs(plain, ['--context', ctx, '--no-push', '--tar-path', join(out, 'image.tar')]));
    expect(result.code, result.stderr).toBe(0);
    expect(notOwnedBy(out, plain.uid)).toEqual([]);
  }, 120_000);
});
