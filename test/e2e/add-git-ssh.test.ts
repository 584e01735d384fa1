/**
 * ADD from ssh git URLs through bin/tsbuild, a real registry, a real sshd (loopback, its own
 * host key, which nothing knows beforehand: trusted on first use, as BuildKit does) and real
 * ssh-agents. `ssh://user@host:port/abs/repo.git#ref` and scp-style `user@host:/abs/repo.git`
 * (port 22 only, so on an address of its own) put the ref's tree where BuildKit would, through
 * `--ssh default=<socket>` or `--ssh default` with SSH_AUTH_SOCK. With the layer cache an
 * unchanged commit hits and a new one misses. Without the `default` agent the build fails at the
 * ADD's line naming `--ssh default`; with a key the server refuses it fails there with ssh's
 * words. Neither the agent's socket path nor the private key is in any blob or log line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { E2eHarness } from '../build/e2e-harness.js';
import { expectCachedByCommit } from './git-cache-scenario.js';
import { git, initRepo } from '../helpers/git-server.js';
import { startSshGitServer, startTestAgent, type SshGitServer, type TestAgent } from '../helpers/ssh-git-server.js';

let h: E2eHarness;
let repos: string;
let agent: TestAgent;
let stranger: TestAgent;
let server: SshGitServer;
const stops: (() => Promise<void>)[] = [];
const commits: Record<string, string> = {};

const dockerfile = (...lines: string[]) => ({ Dockerfile: ['ARG BASE', 'FROM ${BASE}', ...lines, ''].join('\n') });
const sshUrl = (name: string) => `ssh://${server.user}@${server.address}:${server.port}${repos}/${name}`;
const withAgent = (a: TestAgent) => ['--ssh', `default=${a.socket}`];

/** Every blob of the pushed image (layers uncompressed). */
function blobs(rootfs: string): Buffer[] {
  const dir = join(rootfs, '../../layout/blobs/sha256');
  return readdirSync(dir).map((name) => {
    const data = readFileSync(join(dir, name));
    return data[0] === 0x1f && data[1] === 0x8b ? gunzipSync(data) : data;
  });
}

/** The lines of a private key file that are key material. */
const keyLines = (path: string) => readFileSync(path, 'utf8').split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'));

beforeAll(async () => {
  h = await E2eHarness.start();
  repos = join(h.work.path, 'repos');
  const app = initRepo(repos, 'app.git');
  writeFileSync(join(app, 'README'), 'one\n');
  git(app, 'add', '-A');
  git(app, 'commit', '-q', '-m', 'one');
  git(app, 'tag', '-a', 'v1', '-m', 'one');
  commits['v1'] = git(app, 'rev-parse', 'HEAD');
  writeFileSync(join(app, 'README'), 'two\n');
  writeFileSync(join(app, 'main.txt'), 'main\n');
  git(app, 'add', '-A');
  git(app, 'commit', '-q', '-m', 'two');
  agent = await startTestAgent(h.work.path, 'allowed');
  stops.push(() => agent.stop());
  stranger = await startTestAgent(h.work.path, 'stranger');
  stops.push(() => stranger.stop());
  server = await startSshGitServer(join(h.work.path, 'sshd'), [agent.key]);
  stops.push(() => server.stop());
});
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
  await h?.stop();
});

describe('ADD <ssh git URL> (e2e)', () => {
  it('clones ssh://user@host:port/path at a tag and a branch through --ssh default=<socket>', async () => {
    const url = sshUrl('app.git');
    const { run, rootfs } = await h.build(dockerfile(`ADD ${url}#v1 /tagged`, `ADD ${url}?branch=main /main`, `ADD --keep-git-dir ${url}#v1 /kept`), withAgent(agent));
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(join(rootfs, 'tagged/README'), 'utf8')).toBe('one\n');
    expect(readdirSync(join(rootfs, 'tagged'))).toEqual(['README']);
    expect(readFileSync(join(rootfs, 'main/main.txt'), 'utf8')).toBe('main\n');
    const env = { PATH: '/usr/bin:/bin', HOME: '/dev/null' };
    const head = await promisify(execFile)('git', ['-C', join(rootfs, 'kept'), 'rev-parse', 'HEAD'], { env });
    expect(head.stdout.trim()).toBe(commits['v1']);
    const origin = await promisify(execFile)('git', ['-C', join(rootfs, 'kept'), 'config', 'remote.origin.url'], { env });
    expect(origin.stdout.trim()).toBe(`ssh://xxxxx@${server.address}:${server.port}${repos}/app.git`);
  });

  it('takes the agent of --ssh default from SSH_AUTH_SOCK', async () => {
    process.env['SSH_AUTH_SOCK'] = agent.socket;
    try {
      const { run, rootfs } = await h.build(dockerfile(`ADD ${sshUrl('app.git')}#v1 /tagged`), ['--ssh', 'default']);
      expect(run.code, run.stderr).toBe(0);
      expect(readFileSync(join(rootfs, 'tagged/README'), 'utf8')).toBe('one\n');
    } finally {
      delete process.env['SSH_AUTH_SOCK'];
    }
  });

  it('clones scp-style user@host:/path, which always means port 22', async (ctx) => {
    const address = `127.0.${1 + Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`;
    let scp: SshGitServer;
    try {
      scp = await startSshGitServer(join(h.work.path, 'sshd-22'), [agent.key], { address, port: 22 });
    } catch (err) {
      ctx.skip(`sshd cannot listen on ${address}:22 here: ${String(err).slice(0, 200)}`);
      return;
    }
    stops.push(() => scp.stop());
    const { run, rootfs } = await h.build(dockerfile(`ADD ${scp.user}@${address}:${repos}/app.git#v1 /scp`), withAgent(agent));
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(join(rootfs, 'scp/README'), 'utf8')).toBe('one\n');
    expect(scp.log()).toContain('Accepted publickey');
  });

  it('hits the layer cache for an unchanged commit and misses for a new one', async () => {
    const tree = dockerfile(`ADD ${sshUrl('cached.git')} /c`, 'RUN cat /c/v > /copy');
    await expectCachedByCommit(h, repos, tree, ['--cache', '--cache-repo', `${h.registry.host}/e2e/cache-git-ssh`, ...withAgent(agent)]);
  });

  it('fails at the line without the default agent, with and without the cache, naming --ssh default', async () => {
    const cache = ['--cache', '--cache-repo', `${h.registry.host}/e2e/cache-ssh-none`];
    for (const args of [[], cache, ['--ssh', `github=${agent.socket}`], [...cache, '--ssh', `github=${agent.socket}`]]) {
      const { run } = await h.build(dockerfile(`ADD ${sshUrl('app.git')}#v1 /dst/`), args);
      expect(run.code, args.join(' ')).not.toBe(0);
      expect(run.stderr).toMatch(/Dockerfile:3/);
      expect(run.stderr).toContain('no SSH key "default" forwarded');
      expect(run.stderr).toContain('--ssh default (the agent at $SSH_AUTH_SOCK)');
    }
  });

  it('fails at the line with ssh\'s words when the server refuses the agent\'s key', async () => {
    const { run } = await h.build(dockerfile('RUN true', `ADD ${sshUrl('app.git')}#v1 /dst/`), withAgent(stranger));
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/Dockerfile:4/);
    expect(run.stderr).toContain('Permission denied (publickey)');
    expect(run.stderr).toContain('accepted none of the keys of the --ssh default agent');
    expect(run.stderr).not.toContain(stranger.socket);
  });

  it('leaves neither the socket path nor the key in any blob or log line', async () => {
    const args = ['--verbosity', 'debug', ...withAgent(agent)];
    const { run, rootfs } = await h.build(dockerfile(`ADD --keep-git-dir ${sshUrl('app.git')} /app`), args);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/DEBUG/);
    const output = run.stdout + run.stderr;
    for (const secret of [agent.socket, ...keyLines(agent.key.path)]) {
      expect(blobs(rootfs).filter((b) => b.includes(secret))).toHaveLength(0);
      expect(output).not.toContain(secret);
    }
  });
});
