/**
 * git over ssh against a real OpenSSH server (sshd on loopback) and real ssh-agents: the host and
 * port an ssh URL names (scp-style has no port, as in BuildKit), the `--ssh default` agent as the
 * only way in (none, or another id, is a usage error naming the flag), a checkout whose
 * submodule is fetched over ssh with the same agent while a `file` submodule is refused, a key
 * the server does not accept, and BuildKit's host-key policy: the key scanned before the first
 * command is the only one accepted afterwards, and when the scan gets nothing any key is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkoutGitSource, gitCli, parseGitSource, type GitCheckoutOptions } from '../../src/context/index.js';
import { scanHostKeys, sshEndpoint } from '../../src/context/git-ssh.js';
import { git, initRepo } from '../helpers/git-server.js';
import { makeKey, startSshGitServer, startTestAgent, type SshGitServer, type TestAgent } from '../helpers/ssh-git-server.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';

let work: TempDir;
let repos: string;
let agent: TestAgent;
let stranger: TestAgent;
let server: SshGitServer;
const commits: Record<string, string> = {};
const stops: (() => Promise<void>)[] = [];

const url = (s: SshGitServer, name: string) => `ssh://${s.user}@${s.address}:${s.port}${repos}/${name}`;
const agents = (a: TestAgent, id = 'default') => new Map([[id, a.socket]]);
const options = (a: TestAgent): GitCheckoutOptions => ({ keepGitDir: false, submodules: true, sshAgents: agents(a) });

async function rejection(p: Promise<unknown>): Promise<Error & { code?: string }> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: Error & { code?: string }) => err,
  );
}

beforeAll(async () => {
  work = await tempDir();
  repos = join(work.path, 'repos');
  const lib = initRepo(repos, 'lib.git');
  writeFileSync(join(lib, 'lib.txt'), 'lib\n');
  git(lib, 'add', '-A');
  git(lib, 'commit', '-q', '-m', 'lib');
  const app = initRepo(repos, 'app.git');
  git(app, 'submodule', '-q', 'add', lib, 'vendor/lib');
  git(app, 'config', '-f', '.gitmodules', 'submodule.vendor/lib.url', '../lib.git');
  git(app, 'add', '-A');
  git(app, 'commit', '-q', '-m', 'one');
  git(app, 'tag', 'v1');
  commits['v1'] = git(app, 'rev-parse', 'HEAD');
  const local = initRepo(repos, 'local-sub.git');
  git(local, 'submodule', '-q', 'add', lib, 'vendor/lib');
  git(local, 'commit', '-q', '-m', 'absolute submodule url');
  agent = await startTestAgent(work.path, 'a');
  stops.push(() => agent.stop());
  stranger = await startTestAgent(work.path, 'b');
  stops.push(() => stranger.stop());
  server = await startSshGitServer(join(work.path, 'sshd'), [agent.key]);
  stops.push(() => server.stop());
});
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
  await work?.[Symbol.asyncDispose]();
});

describe('git over ssh', () => {
  it.each([
    ['ssh://git@example.com/org/repo.git', { host: 'example.com', port: 22 }],
    ['ssh://root@127.0.0.1:2222/abs/repo.git#v1', { host: '127.0.0.1', port: 2222 }],
    ['ssh://git@[::1]:2200/repo.git', { host: '::1', port: 2200 }],
    ['ssh://example.com/repo.git', { host: 'example.com', port: 22 }],
    ['git@example.com:org/repo.git#main', { host: 'example.com', port: 22 }],
    // scp-style has no port: "2222/org" is the path, for git and for BuildKit alike.
    ['git@example.com:2222/org/repo.git', { host: 'example.com', port: 22 }],
  ])('%s is reached at %j', (source, expected) => {
    expect(sshEndpoint(parseGitSource(source))).toEqual(expected);
  });

  it('needs the --ssh default agent: none, or only another id, is a usage error naming the flag', () => {
    for (const source of ['ssh://git@example.com/repo.git', 'git@example.com:org/repo.git']) {
      for (const opts of [{}, { sshAgents: agents(agent, 'github') }]) {
        let thrown: (Error & { code?: string }) | undefined;
        try {
          gitCli(parseGitSource(source), opts);
        } catch (err) {
          thrown = err as Error & { code?: string };
        }
        expect(thrown?.code, source).toBe('TSB_USAGE');
        expect(thrown?.message).toContain('no SSH key "default" forwarded');
        expect(thrown?.message).toContain('--ssh default');
      }
    }
    expect(() => gitCli(parseGitSource('https://example.com/repo.git'), {})).not.toThrow();
  });

  it('scans host keys as known_hosts lines, [host]:port for a port other than 22, and nothing from a closed port', async () => {
    expect(await scanHostKeys({ host: server.address, port: server.port })).toBe(`[${server.address}]:${server.port} ${server.hostKey}\n`);
    const closed = await startSshGitServer(join(work.path, 'closed'), []);
    await closed.stop();
    expect(await scanHostKeys({ host: closed.address, port: closed.port })).toBe('');
  });

  it('checks out a tag, and a submodule over ssh with the same agent', async () => {
    const { dir, resolved } = await checkoutGitSource(parseGitSource(`${url(server, 'app.git')}#v1`), join(work.path, 'co'), options(agent));
    expect(resolved.commit).toBe(commits['v1']);
    expect(readFileSync(join(dir, '.gitmodules'), 'utf8')).toContain('../lib.git');
    expect(readFileSync(join(dir, 'vendor/lib/lib.txt'), 'utf8')).toBe('lib\n');
  });

  it('refuses a submodule over the file transport, as BuildKit does', async () => {
    const err = await rejection(checkoutGitSource(parseGitSource(url(server, 'local-sub.git')), join(work.path, 'co-local'), options(agent)));
    expect(err.message).toContain('failed to update submodules');
    expect(err.message).toContain("transport 'file' not allowed");
  });

  it('reports a key the server refuses with ssh\'s words and a hint, without the socket path', async () => {
    const err = await rejection(checkoutGitSource(parseGitSource(url(server, 'app.git')), join(work.path, 'co-bad'), options(stranger)));
    expect(err.code).toBe('TSB_COPY_SOURCE');
    expect(err.message).toContain('Permission denied (publickey)');
    expect(err.message).toContain('accepted none of the keys of the --ssh default agent');
    expect(err.message).not.toContain(stranger.socket);
  });

  it('accepts afterwards only the host key scanned before the first command', async () => {
    const dir = join(work.path, 'pinned');
    const first = await startSshGitServer(dir, [agent.key]);
    const source = parseGitSource(url(first, 'app.git'));
    const cli = gitCli(source, { sshAgents: agents(agent) });
    expect(await cli(['ls-remote', source.remote, 'v1'], '/', 'ls')).toContain(commits['v1']);
    await first.stop();
    const otherKey = makeKey(join(work.path, 'other-host-key'), 'other');
    const second = await startSshGitServer(dir, [agent.key], { port: first.port, hostKeyFile: otherKey.path });
    stops.push(() => second.stop());
    const err = await rejection(cli(['ls-remote', source.remote, 'v1'], '/', 'ls'));
    expect(err.message).toContain('Host key verification failed');
    // A new use scans again and trusts the key it finds then (BuildKit: a new build).
    expect(await gitCli(source, { sshAgents: agents(agent) })(['ls-remote', source.remote, 'v1'], '/', 'ls')).toContain(commits['v1']);
  });

  it('accepts any host key when the scan found none', async () => {
    const dir = join(work.path, 'unscanned');
    const probe = await startSshGitServer(dir, [agent.key]);
    await probe.stop();
    const source = parseGitSource(url(probe, 'app.git'));
    const cli = gitCli(source, { sshAgents: agents(agent) });
    const down = await rejection(cli(['ls-remote', source.remote, 'v1'], '/', 'ls'));
    expect(down.message).toMatch(/Connection refused|Could not read from remote/);
    const anyKey = makeKey(join(work.path, 'any-host-key'), 'any');
    const up = await startSshGitServer(dir, [agent.key], { port: probe.port, hostKeyFile: anyKey.path });
    stops.push(() => up.stop());
    expect(await cli(['ls-remote', source.remote, 'v1'], '/', 'ls')).toContain(commits['v1']);
  });
});
