/**
 * RUN --mount=type=ssh with `--ssh` through bin/tsbuild and a real registry, against real
 * OpenSSH agents holding keys made by ssh-keygen. The RUN talks to the agent with the host's own
 * ssh-add (copied into the image with the shared libraries it loads: busybox has no agent
 * client). Proved in the pushed image: the key fingerprints the agent lists, SSH_AUTH_SOCK as
 * BuildKit sets it, the socket's type, mode and owner, `id=` choosing among agents, key files
 * served by an agent tsbuild starts and stops, and a RUN unable to change the caller's agent. The
 * negative cases are byte searches: neither the private keys nor any socket path are in any blob
 * of the image (layers uncompressed, config with history, manifest) or in the debug log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';
import { E2eHarness } from '../build/e2e-harness.js';

/** An ssh-agent of the test's own, with one key. */
interface TestAgent {
  readonly socket: string;
  readonly key: string;
  readonly fingerprint: string;
  readonly process: ChildProcess;
}

let h: E2eHarness;
let a: TestAgent;
let b: TestAgent;
/** Two more keys, for `--ssh id=<key file>,<key file>`. */
let fileKeys: { path: string; fingerprint: string }[];

function makeKey(path: string, type: 'ed25519' | 'ecdsa', comment: string): string {
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', comment, '-f', path]);
  return execFileSync('ssh-keygen', ['-l', '-f', path], { encoding: 'utf8' }).split(' ')[1]!;
}

async function startAgent(name: string, type: 'ed25519' | 'ecdsa'): Promise<TestAgent> {
  const key = join(h.work.path, `key-${name}`);
  const fingerprint = makeKey(key, type, `tsbuild-test-${name}`);
  const socket = join(h.work.path, `agent-${name}.sock`);
  const child = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
  for (let i = 0; i < 250 && !existsSync(socket); i += 1) await sleep(20);
  execFileSync('ssh-add', ['-q', key], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'pipe' });
  return { socket, key, fingerprint, process: child };
}

/** The host's ssh-add and every library it loads, laid out as in the host's root, under `dir`. */
function copyAgentClient(dir: string): void {
  const files = ['/usr/bin/ssh-add'];
  const ldd = execFileSync('ldd', ['/usr/bin/ssh-add'], { encoding: 'utf8' });
  for (const m of ldd.matchAll(/(\/\S+) \(0x/g)) files.push(m[1]!);
  for (const file of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(file, join(dir, file));
  }
}

/** A process's command line, or '' when it exited between listing /proc and reading it. */
function commandLine(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}

/** Every ssh-agent process whose command line names a tsbuild work directory. */
function tsbuildAgents(): string[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .map(commandLine)
    .filter((cmd) => cmd.startsWith('ssh-agent') && cmd.includes('/ssh-agents/'));
}

/** Every blob of the pushed image's layout (layers uncompressed). */
function blobs(rootfs: string): Buffer[] {
  const dir = join(rootfs, '../../layout/blobs/sha256');
  return readdirSync(dir).map((name) => {
    const data = readFileSync(join(dir, name));
    return data[0] === 0x1f && data[1] === 0x8b ? gunzipSync(data) : data;
  });
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The lines of a private key file that are key material (not the BEGIN/END armour). */
const keyLines = (path: string) => readFileSync(path, 'utf8').split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'));

beforeAll(async () => {
  h = await E2eHarness.start();
  a = await startAgent('a', 'ed25519');
  b = await startAgent('b', 'ecdsa');
  fileKeys = ['c', 'd'].map((n) => {
    const path = join(h.work.path, `file-key-${n}`);
    return { path, fingerprint: makeKey(path, 'ed25519', `tsbuild-file-${n}`) };
  });
}, 60_000);
afterAll(async () => {
  for (const agent of [a, b]) {
    agent?.process.kill();
    if (agent) await once(agent.process, 'exit').catch(() => {});
  }
  await h?.stop();
});

const DOCKERFILE = [
  'ARG BASE',
  'FROM ${BASE}',
  'COPY tools/ /',
  'RUN --mount=type=ssh (ssh-add -l; echo "exit $?") > /default-list 2>&1 && echo "$SSH_AUTH_SOCK" > /sock-env && stat -c "%F %a %u %g" "$SSH_AUTH_SOCK" > /sock-stat',
  'RUN --mount=type=ssh,id=other (ssh-add -l; echo "exit $?") > /other-list 2>&1',
  'RUN --mount=type=ssh,id=other,target=/tmp/agent.sock,mode=0660,uid=1000,gid=10 echo "$SSH_AUTH_SOCK" > /custom && stat -c "%F %a %u %g" /tmp/agent.sock >> /custom',
  'RUN --mount=type=ssh --mount=type=ssh,id=other echo "$SSH_AUTH_SOCK" > /two && SSH_AUTH_SOCK=/run/buildkit/ssh_agent.1 ssh-add -l >> /two',
  'RUN --mount=type=ssh,id=absent (test -e /run/buildkit/ssh_agent.0 && echo present || echo absent; echo "$SSH_AUTH_SOCK") > /absent',
  'RUN --mount=type=ssh,id=files ssh-add -l > /files-list',
  'RUN --mount=type=ssh (ssh-add -D; echo "exit $?") > /remove-all 2>&1',
  'USER app',
  'RUN --mount=type=ssh,uid=1000 (ssh-add -l; echo "exit $?") > /tmp/as-app 2>&1',
  'RUN --mount=type=ssh (ssh-add -l; echo "exit $?") > /tmp/as-app-denied 2>&1',
  'USER root',
  'ENV SSH_AUTH_SOCK=/mine',
  'RUN --mount=type=ssh echo "$SSH_AUTH_SOCK" > /env-kept',
  'RUN env > /env-after && (ls -a /run 2>&1 || true) > /run-after',
  '',
].join('\n');

function sshFlags(): string[] {
  return ['--ssh', 'default', '--ssh', `other=${b.socket}`, '--ssh', `files=${fileKeys.map((k) => k.path).join(',')}`];
}

describe('RUN --mount=type=ssh (e2e)', () => {
  it('forwards the agents BuildKit-style and keeps keys and sockets out of the image and the log', async () => {
    const kanikoDir = join(h.work.path, 'kaniko-dir');
    const flags = ['--verbosity', 'debug', '--kaniko-dir', kanikoDir, ...sshFlags()];
    const { run, rootfs, config } = await withAuthSock(a.socket, () => h.build({ Dockerfile: DOCKERFILE }, flags, copyToolsInto));
    expect(run.code, run.stderr).toBe(0);
    const read = (p: string) => readFileSync(join(rootfs, p), 'utf8');
    expect(read('default-list')).toMatch(new RegExp(`^256 ${esc(a.fingerprint)} tsbuild-test-a \\(ED25519\\)\nexit 0\n$`));
    expect(read('sock-env')).toBe('/run/buildkit/ssh_agent.0\n');
    expect(read('sock-stat')).toBe('socket 600 0 0\n');
    expect(read('other-list')).toContain(b.fingerprint);
    expect(read('other-list')).not.toContain(a.fingerprint);
    expect(read('custom')).toBe('/tmp/agent.sock\nsocket 660 1000 10\n');
    expect(read('two')).toMatch(new RegExp(`^/run/buildkit/ssh_agent\\.0\n.*${esc(b.fingerprint)}`));
    // Not given and not required: no socket, but SSH_AUTH_SOCK all the same, as in BuildKit.
    expect(read('absent')).toBe('absent\n/run/buildkit/ssh_agent.0\n');
    const files = read('files-list');
    for (const k of fileKeys) expect(files).toContain(k.fingerprint);
    // The RUN could not change the caller's agent: BuildKit's read-only agent.
    expect(read('remove-all')).toMatch(/agent refused operation|Failed to remove all identities/);
    expect(execFileSync('ssh-add', ['-l'], { env: { ...process.env, SSH_AUTH_SOCK: a.socket }, encoding: 'utf8' })).toContain(a.fingerprint);
    expect(read('tmp/as-app')).toMatch(new RegExp(`${esc(a.fingerprint)}[^]*exit 0`));
    expect(read('tmp/as-app-denied')).toMatch(/exit 2\n$/);
    expect(read('env-kept')).toBe('/mine\n');
    expect(read('env-after')).not.toMatch(/SSH_AUTH_SOCK=\/run/);
    expect(read('run-after')).not.toContain('buildkit');
    expect(existsSync(join(rootfs, 'run/buildkit')), 'mount point in the image').toBe(false);
    expect(config.config.Env ?? []).not.toContainEqual(expect.stringMatching(/^SSH_AUTH_SOCK=\/run/));

    const all = blobs(rootfs);
    const secrets = [...[a.key, b.key, ...fileKeys.map((k) => k.path)].flatMap(keyLines), a.socket, b.socket, kanikoDir, 'ssh-0.sock', '/ssh-agents/'];
    for (const secret of secrets) {
      expect(all.filter((blob) => blob.includes(secret)), secret).toHaveLength(0);
      expect(JSON.stringify(config), secret).not.toContain(secret);
      expect(run.stdout + run.stderr, secret).not.toContain(secret);
    }
    expect(run.stderr).toMatch(/DEBUG/);
    // The work dir with the build's sockets is gone, and so is the agent tsbuild started.
    expect(readdirSync(kanikoDir)).toEqual([]);
    expect(tsbuildAgents()).toEqual([]);
  }, 120_000);

  it('reads SSH_AUTH_SOCK for `default`, under the chroot and userns isolations', async () => {
    const df = 'ARG BASE\nFROM ${BASE}\nCOPY tools/ /\nRUN --mount=type=ssh ssh-add -l > /list && stat -c "%a %u %g" "$SSH_AUTH_SOCK" >> /list\n';
    for (const isolation of ['chroot', 'userns']) {
      const { run, rootfs } = await withAuthSock(b.socket, () => h.build({ Dockerfile: df }, ['--isolation', isolation, '--ssh', 'default'], copyToolsInto));
      expect(run.code, `${isolation}: ${run.stderr}`).toBe(0);
      expect(readFileSync(join(rootfs, 'list'), 'utf8')).toMatch(new RegExp(`${esc(b.fingerprint)}.*\n600 0 0\n$`));
    }
  }, 120_000);

  it('under the degraded isolation, refuses a served ssh mount as it refuses every mount, and runs a skipped one', async () => {
    const df = 'ARG BASE\nFROM ${BASE}\nRUN --mount=type=ssh,id=absent echo "$SSH_AUTH_SOCK" > /sock\nRUN --mount=type=ssh true\n';
    const { run } = await h.build({ Dockerfile: df }, ['--isolation', 'degraded', '--ssh', `default=${a.socket}`]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Dockerfile:4/);
    expect(run.stderr).toMatch(/RUN mounts need a mount namespace/);
    const skipped = await h.build({ Dockerfile: df.split('\n').slice(0, 3).join('\n') }, ['--isolation', 'degraded']);
    expect(skipped.run.code, skipped.run.stderr).toBe(0);
    expect(readFileSync(join(skipped.rootfs, 'sock'), 'utf8')).toBe('/run/buildkit/ssh_agent.0\n');
  }, 60_000);

  it('fails at the line of a required agent that was not given', async () => {
    const df = 'ARG BASE\nFROM ${BASE}\nRUN --mount=type=ssh,id=nope,required=true true\n';
    const { run } = await h.build({ Dockerfile: df }, ['--ssh', `other=${b.socket}`]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Dockerfile:3/);
    expect(run.stderr).toMatch(/no SSH agent or key "nope" forwarded/);
  });

  it('refuses an --ssh without SSH_AUTH_SOCK, a missing path, a duplicate id and a key it cannot load', async () => {
    const df = { Dockerfile: 'ARG BASE\nFROM ${BASE}\n' };
    const unset = await withAuthSock('', () => h.build(df, ['--ssh', 'default']));
    expect(unset.run.code).toBe(2);
    expect(unset.run.stderr).toMatch(/--ssh default: SSH_AUTH_SOCK is not set/);
    const missing = await h.build(df, ['--ssh', 'x=/nonexistent/agent.sock']);
    expect(missing.run.code).toBe(2);
    expect(missing.run.stderr).toMatch(/--ssh x: \/nonexistent\/agent.sock does not exist/);
    const twice = await h.build(df, ['--ssh', `x=${a.socket}`, '--ssh', `x=${b.socket}`]);
    expect(twice.run.code).toBe(2);
    expect(twice.run.stderr).toMatch(/duplicate agent ID "x"/);
    const notKey = await h.build(df, ['--ssh', `k=${join(h.work.path, 'context-1', 'Dockerfile')}`]);
    expect(notKey.run.code).toBe(2);
    expect(notKey.run.stderr).toMatch(/--ssh k: cannot load the key file .*Dockerfile: /);
    expect(tsbuildAgents()).toEqual([]);
  }, 60_000);
});

/** Runs `fn` with SSH_AUTH_SOCK set to `value` (runTsbuild hands bin/tsbuild this environment). */
async function withAuthSock<T>(value: string, fn: () => Promise<T>): Promise<T> {
  const before = process.env['SSH_AUTH_SOCK'];
  process.env['SSH_AUTH_SOCK'] = value;
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env['SSH_AUTH_SOCK'];
    else process.env['SSH_AUTH_SOCK'] = before;
  }
}

function copyToolsInto(ctx: string): void {
  copyAgentClient(join(ctx, 'tools'));
  expect(statSync(join(ctx, 'tools/usr/bin/ssh-add')).isFile()).toBe(true);
}
