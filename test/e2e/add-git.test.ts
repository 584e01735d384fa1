/**
 * ADD from git repositories through bin/tsbuild, a real registry and real git servers
 * (git-http-backend over loopback HTTP). The pushed image, unpacked by umoci, holds each
 * checkout as BuildKit would put it: the tree of the named ref (branch, tag, annotated tag, full
 * sha, `?branch=`), a subdir only, owners 0:0 unless --chown, git's modes, symlinks, `--exclude`,
 * `--link`, submodules, and `.git` only with --keep-git-dir (a repository whose HEAD is the
 * commit). A private repository is read with a GIT_AUTH_TOKEN secret whose value appears in no
 * blob and no log line. A bad ref, a wrong --checksum and ssh without an agent fail at their line. With the layer
 * cache an unchanged commit hits and a new one misses. An http URL without `.git` is still a download.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { E2eHarness } from '../build/e2e-harness.js';
import { expectCachedByCommit } from './git-cache-scenario.js';
import { git, initRepo, startGitHttpServer, type GitHttpServer } from '../helpers/git-server.js';

const TOKEN = 'git-token-Vb72pQx9';
const HEADER = `basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`;

let h: E2eHarness;
let repos: string;
let server: GitHttpServer;
let privateServer: GitHttpServer;
let web: Server;
let webOrigin: string;
const commits: Record<string, string> = {};

function fixture(): void {
  const app = initRepo(repos, 'app.git');
  writeFileSync(join(app, 'README'), 'one\n');
  writeFileSync(join(app, 'run.sh'), '#!/bin/sh\necho hi\n');
  chmodSync(join(app, 'run.sh'), 0o755);
  symlinkSync('README', join(app, 'link'));
  git(app, 'add', '-A');
  git(app, 'commit', '-q', '-m', 'one');
  commits['one'] = git(app, 'rev-parse', 'HEAD');
  writeFileSync(join(app, 'README'), 'two\n');
  writeFileSync(join(app, 'sub.txt'), 'sub\n');
  git(app, 'add', '-A');
  git(app, 'commit', '-q', '-m', 'two');
  commits['two'] = git(app, 'rev-parse', 'HEAD');
  git(app, 'tag', '-a', 'v2', '-m', 'two');
  git(app, 'checkout', '-q', '-b', 'feature');
  git(app, 'mv', 'sub.txt', 'feature.txt');
  git(app, 'commit', '-q', '-m', 'feature');
  commits['feature'] = git(app, 'rev-parse', 'HEAD');
  git(app, 'checkout', '-q', 'main');
  const lib = initRepo(repos, 'lib.git');
  writeFileSync(join(lib, 'lib.txt'), 'lib\n');
  git(lib, 'add', '-A');
  git(lib, 'commit', '-q', '-m', 'lib');
  const top = initRepo(repos, 'super.git');
  git(top, 'submodule', '-q', 'add', lib, 'vendor/lib');
  git(top, 'config', '-f', '.gitmodules', 'submodule.vendor/lib.url', '../lib.git');
  git(top, 'commit', '-q', '-am', 'super');
}

beforeAll(async () => {
  h = await E2eHarness.start();
  repos = join(h.work.path, 'repos');
  fixture();
  server = await startGitHttpServer(repos);
  privateServer = await startGitHttpServer(repos, { authorization: HEADER });
  web = createServer((req, res) => res.end(`page ${req.url}\n`));
  await new Promise<void>((done) => web.listen(0, '127.0.0.1', done));
  webOrigin = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((done) => web?.close(done));
  await server?.stop();
  await privateServer?.stop();
  await h?.stop();
});

const dockerfile = (...lines: string[]) => ({ Dockerfile: ['ARG BASE', 'FROM ${BASE}', ...lines, ''].join('\n') });
const mode = (p: string) => lstatSync(p).mode & 0o7777;
const owner = (p: string) => `${lstatSync(p).uid}:${lstatSync(p).gid}`;

/** Every blob of the pushed image (layers uncompressed). */
function blobs(rootfs: string): Buffer[] {
  const dir = join(rootfs, '../../layout/blobs/sha256');
  return readdirSync(dir).map((name) => {
    const data = readFileSync(join(dir, name));
    return data[0] === 0x1f && data[1] === 0x8b ? gunzipSync(data) : data;
  });
}

describe('ADD <git URL> (e2e)', () => {
  it('puts each ref, subdir and flag combination where BuildKit would', async () => {
    const r = `${server.url}`;
    const { run, rootfs } = await h.build(
      dockerfile(
        `ADD ${r}/app.git /app`,
        `ADD ${r}/app.git#v2 /tagged/`,
        `ADD ${r}/app.git?branch=feature /feat`,
        `ADD ${r}/app.git#${commits['one']} /old`,
        `ADD --chown=1000:2000 --chmod=0750 ${r}/app.git#v2 /owned`,
        `ADD --exclude=*.sh ${r}/app.git#v2 /excluded`,
        `ADD --keep-git-dir=true ${r}/app.git#feature /kept`,
        `ADD ${r}/app.git?subdir=.&ref=feature&keep-git-dir /keptroot`,
        `ADD --link ${r}/super.git /super`,
      ),
    );
    expect(run.code, run.stderr).toBe(0);
    const at = (p: string) => join(rootfs, p);
    expect(readFileSync(at('app/README'), 'utf8')).toBe('two\n');
    expect(mode(at('app/README'))).toBe(0o644);
    expect(mode(at('app/run.sh'))).toBe(0o755);
    expect(readlinkSync(at('app/link'))).toBe('README');
    expect(owner(at('app/README'))).toBe('0:0');
    expect(existsSync(at('app/.git'))).toBe(false);
    expect(readFileSync(at('tagged/sub.txt'), 'utf8')).toBe('sub\n');
    expect(readFileSync(at('feat/feature.txt'), 'utf8')).toBe('sub\n');
    expect(existsSync(at('feat/sub.txt'))).toBe(false);
    expect(readFileSync(at('old/README'), 'utf8')).toBe('one\n');
    expect(existsSync(at('old/sub.txt'))).toBe(false);
    expect(owner(at('owned/README'))).toBe('1000:2000');
    expect(mode(at('owned/README'))).toBe(0o750);
    expect(readdirSync(at('excluded')).sort()).toEqual(['README', 'link', 'sub.txt']);
    expect(readFileSync(at('super/vendor/lib/lib.txt'), 'utf8')).toBe('lib\n');
    expect(existsSync(at('super/vendor/lib/.git'))).toBe(false);
    for (const kept of ['kept', 'keptroot']) {
      expect(lstatSync(at(`${kept}/.git`)).isDirectory()).toBe(true);
      const head = await promisify(execFile)('git', ['-C', at(kept), 'rev-parse', 'HEAD'], { env: { PATH: '/usr/bin:/bin', HOME: '/dev/null' } });
      expect(head.stdout.trim()).toBe(commits['feature']);
    }
  });

  it('verifies --checksum against the commit: a prefix passes, another commit fails at its line', async () => {
    const pass = await h.build(dockerfile(`ADD --checksum=${commits['two']!.slice(0, 10)} ${server.url}/app.git#v2 /pinned`));
    expect(pass.run.code, pass.run.stderr).toBe(0);
    expect(readFileSync(join(pass.rootfs, 'pinned/README'), 'utf8')).toBe('two\n');
    const fail = await h.build(dockerfile('RUN true', `ADD --checksum=${commits['one']} ${server.url}/app.git#v2 /pinned`));
    expect(fail.run.code).not.toBe(0);
    expect(fail.run.stderr).toMatch(/Dockerfile:4/);
    expect(fail.run.stderr).toContain(`expected checksum to match ${commits['one']}`);
  });

  it('reads a private repository with GIT_AUTH_TOKEN and leaves the token in no blob and no log line', async () => {
    process.env['TSBUILD_TEST_GIT_TOKEN'] = TOKEN;
    try {
      const args = ['--verbosity', 'debug', '--secret', 'id=GIT_AUTH_TOKEN,env=TSBUILD_TEST_GIT_TOKEN'];
      const { run, rootfs } = await h.build(dockerfile(`ADD --keep-git-dir ${privateServer.url}/app.git#feature /private`), args);
      expect(run.code, run.stderr).toBe(0);
      expect(readFileSync(join(rootfs, 'private/feature.txt'), 'utf8')).toBe('sub\n');
      expect(privateServer.requests().some((r) => r.authorization === HEADER)).toBe(true);
      for (const secret of [TOKEN, HEADER.slice('basic '.length)]) {
        expect(blobs(rootfs).filter((b) => b.includes(secret))).toHaveLength(0);
        expect(run.stdout + run.stderr).not.toContain(secret);
      }
      expect(run.stderr).toMatch(/DEBUG/);
      const denied = await h.build(dockerfile(`ADD ${privateServer.url}/app.git#feature /private`));
      expect(denied.run.code).not.toBe(0);
      expect(denied.run.stderr).toMatch(/Dockerfile:3/);
      expect(denied.run.stderr).toContain(`${privateServer.url}/app.git#feature`);
    } finally {
      delete process.env['TSBUILD_TEST_GIT_TOKEN'];
    }
  });

  it('fails on a ref the repository lacks, at its line, with and without the cache', async () => {
    for (const args of [[], ['--cache', '--cache-repo', `${h.registry.host}/e2e/cache-badref`]]) {
      const { run } = await h.build(dockerfile(`ADD ${server.url}/app.git#nope /x`), args);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toMatch(/Dockerfile:3/);
      expect(run.stderr).toContain('repository does not contain ref nope');
    }
  });

  it('refuses ssh sources without an agent at their line, with and without the cache, naming --ssh default', async () => {
    for (const src of ['ssh://git@127.0.0.1/repo.git', 'git@127.0.0.1:org/repo.git']) {
      for (const args of [[], ['--cache', '--cache-repo', `${h.registry.host}/e2e/cache-ssh`]]) {
        const { run } = await h.build(dockerfile(`ADD ${src} /dst/`), args);
        expect(run.code, src).not.toBe(0);
        expect(run.stderr, src).toMatch(/Dockerfile:3/);
        expect(run.stderr, src).toContain(`ADD ${src.replace('git@', 'xxxxx@')}: no SSH key "default" forwarded`);
        expect(run.stderr, src).toContain('--ssh default');
      }
    }
  });

  it('hits the layer cache for an unchanged commit and misses for a new one', async () => {
    const tree = dockerfile(`ADD ${server.url}/cached.git /c`, 'RUN cat /c/v > /copy');
    await expectCachedByCommit(h, repos, tree, ['--cache', '--cache-repo', `${h.registry.host}/e2e/cache-git`]);
  });

  it('still downloads an http URL that does not end in .git', async () => {
    const { run, rootfs } = await h.build(dockerfile(`ADD ${webOrigin}/org/repo.github /dst/`));
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(join(rootfs, 'dst/repo.github'), 'utf8')).toBe('page /org/repo.github\n');
  });
});
