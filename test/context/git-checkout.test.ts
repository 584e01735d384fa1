/**
 * checkoutGitSource against real git servers (git-http-backend over loopback HTTP, git daemon):
 * every ref form resolves to the commit the server has, the tree is the commit's (modes, a
 * symlink, a subdir), `.git` exists only with keep-git-dir at the top and is then a working
 * repository without the credentials, submodules follow the superproject, a token from the
 * secrets is sent as BuildKit sends it and never appears in an error, and a bad ref, a
 * mismatching checksum and ssh without an agent fail with messages that say so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { checkoutGitSource, gitAuthorization, gitCli, parseGitSource, resolveGitRef, type GitCheckoutOptions } from '../../src/context/index.js';
import { git, initRepo, startGitDaemon, startGitHttpServer, type GitDaemon, type GitHttpServer } from '../helpers/git-server.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';

const TOKEN = 'tok-Qz81mVw3';
const AUTH = `basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`;
const plain: GitCheckoutOptions = { keepGitDir: false, submodules: true };

let work: TempDir;
let repos: string;
let server: GitHttpServer;
let privateServer: GitHttpServer;
let daemon: GitDaemon;
const commits: Record<string, string> = {};

function commitFixture(dir: string): void {
  writeFileSync(join(dir, 'README'), 'one\n');
  writeFileSync(join(dir, 'run.sh'), '#!/bin/sh\n');
  chmodSync(join(dir, 'run.sh'), 0o755);
  symlinkSync('README', join(dir, 'link'));
  mkdirSync(join(dir, 'sub/deep'), { recursive: true });
  writeFileSync(join(dir, 'sub/deep/inner.txt'), 'inner\n');
  symlinkSync('..', join(dir, 'uplink'));
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'one');
  commits['one'] = git(dir, 'rev-parse', 'HEAD');
  git(dir, 'tag', 'light');
  writeFileSync(join(dir, 'README'), 'two\n');
  git(dir, 'commit', '-q', '-am', 'two');
  commits['two'] = git(dir, 'rev-parse', 'HEAD');
  git(dir, 'tag', '-a', 'v2', '-m', 'release two');
  commits['v2-tag'] = git(dir, 'rev-parse', 'v2');
  git(dir, 'checkout', '-q', '-b', 'feature');
  writeFileSync(join(dir, 'feature.txt'), 'feature\n');
  git(dir, 'add', 'feature.txt');
  git(dir, 'commit', '-q', '-m', 'feature');
  commits['feature'] = git(dir, 'rev-parse', 'HEAD');
  git(dir, 'checkout', '-q', 'main');
  writeFileSync(join(dir, 'README'), 'three\n');
  git(dir, 'commit', '-q', '-am', 'three');
  commits['three'] = git(dir, 'rev-parse', 'HEAD');
}

beforeAll(async () => {
  work = await tempDir();
  repos = join(work.path, 'repos');
  commitFixture(initRepo(repos, 'app.git'));
  const lib = initRepo(repos, 'lib.git');
  writeFileSync(join(lib, 'lib.txt'), 'lib\n');
  git(lib, 'add', '-A');
  git(lib, 'commit', '-q', '-m', 'lib');
  server = await startGitHttpServer(repos);
  const superRepo = initRepo(repos, 'super.git');
  writeFileSync(join(superRepo, 'top.txt'), 'top\n');
  git(superRepo, 'submodule', '-q', 'add', `${lib}`, 'vendor/lib');
  git(superRepo, 'config', '-f', '.gitmodules', 'submodule.vendor/lib.url', '../lib.git');
  git(superRepo, 'add', '-A');
  git(superRepo, 'commit', '-q', '-m', 'super');
  privateServer = await startGitHttpServer(repos, { authorization: AUTH });
  daemon = await startGitDaemon(repos);
});
afterAll(async () => {
  await server?.stop();
  await privateServer?.stop();
  await daemon?.stop();
  await work?.[Symbol.asyncDispose]();
});

/** The error `promise` rejects with; a test failure if it resolves. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => expect.fail('expected a failure'),
    (err: unknown) => err as Error,
  );
}

let n = 0;
async function checkout(source: string, options: GitCheckoutOptions = plain) {
  n += 1;
  return checkoutGitSource(parseGitSource(source), join(work.path, `scratch-${n}`), options);
}

describe('checkoutGitSource', () => {
  it('checks out the default branch: contents, modes and symlinks, no .git', async () => {
    const { dir, resolved } = await checkout(`${server.url}/app.git`);
    expect(resolved).toEqual({ ref: 'refs/heads/main', sha: commits['three'], commit: commits['three'] });
    expect(readFileSync(join(dir, 'README'), 'utf8')).toBe('three\n');
    expect(lstatSync(join(dir, 'README')).mode & 0o7777).toBe(0o644);
    expect(lstatSync(join(dir, 'run.sh')).mode & 0o7777).toBe(0o755);
    expect(lstatSync(join(dir, 'sub')).mode & 0o7777).toBe(0o755);
    expect(readlinkSync(join(dir, 'link'))).toBe('README');
    expect(existsSync(join(dir, '.git'))).toBe(false);
    expect(existsSync(join(dir, 'feature.txt'))).toBe(false);
  });

  it.each([
    ['#light', 'one', 'refs/tags/light'],
    ['#v2', 'two', 'refs/tags/v2'],
    ['?tag=v2', 'two', 'refs/tags/v2'],
    ['#feature', 'feature', 'refs/heads/feature'],
    ['?branch=feature', 'feature', 'refs/heads/feature'],
    ['#refs/heads/main', 'three', 'refs/heads/main'],
  ])('resolves %s', async (suffix, commit, ref) => {
    const { dir, resolved } = await checkout(`${server.url}/app.git${suffix}`);
    expect(resolved.commit).toBe(commits[commit]);
    expect(resolved.ref).toBe(ref);
    expect(existsSync(join(dir, 'feature.txt'))).toBe(commit === 'feature');
  });

  it('fetches a full commit sha that is no branch tip, and an annotated tag names its tag object', async () => {
    const old = await checkout(`${server.url}/app.git#${commits['one']}`);
    expect(old.resolved).toEqual({ ref: commits['one'], sha: commits['one'], commit: commits['one'] });
    expect(readFileSync(join(old.dir, 'README'), 'utf8')).toBe('one\n');
    const tag = await checkout(`${server.url}/app.git#v2`);
    expect(tag.resolved.sha).toBe(commits['v2-tag']);
  });

  it('checks out the commit it is given, not where the branch has moved since (the cache key pins it)', async () => {
    const moving = initRepo(repos, 'moving.git');
    writeFileSync(join(moving, 'README'), 'keyed\n');
    git(moving, 'add', 'README');
    git(moving, 'commit', '-q', '-m', 'keyed');
    const source = parseGitSource(`${server.url}/moving.git#main`);
    const keyed = await resolveGitRef(source, gitCli(source, {}));
    writeFileSync(join(moving, 'README'), 'moved\n');
    git(moving, 'commit', '-q', '-am', 'moved');
    const pinned = await checkout(`${server.url}/moving.git#main`, { ...plain, resolved: keyed });
    expect(pinned.resolved.commit).toBe(keyed.commit);
    expect(readFileSync(join(pinned.dir, 'README'), 'utf8')).toBe('keyed\n');
    const fresh = await checkout(`${server.url}/moving.git#main`);
    expect(readFileSync(join(fresh.dir, 'README'), 'utf8')).toBe('moved\n');
  });

  it('copies only a subdir, which must be a real directory', async () => {
    const { dir } = await checkout(`${server.url}/app.git#:sub`);
    expect(readdirSync(dir)).toEqual(['deep']);
    expect(readFileSync(join(dir, 'deep/inner.txt'), 'utf8')).toBe('inner\n');
    await expect(checkout(`${server.url}/app.git#:missing`)).rejects.toThrow('subdir "missing" is not a directory in the repository');
    await expect(checkout(`${server.url}/app.git#:uplink`)).rejects.toThrow('subdir "uplink" is not a directory');
    await expect(checkout(`${server.url}/app.git#:../x`)).rejects.toThrow('must not contain ..');
  });

  it('keeps a usable .git with keep-git-dir, credentials and FETCH_HEAD gone; never for a subdir', async () => {
    const url = `${server.url.replace('//', '//user:pw-Zx9@')}/app.git#feature`;
    const { dir } = await checkout(url, { ...plain, keepGitDir: true });
    const run = promisify(execFile);
    const head = await run('git', ['-C', dir, 'rev-parse', 'HEAD'], { env: { PATH: '/usr/bin:/bin', HOME: '/dev/null' } });
    expect(head.stdout.trim()).toBe(commits['feature']);
    const status = await run('git', ['-C', dir, 'status', '--porcelain'], { env: { PATH: '/usr/bin:/bin', HOME: '/dev/null' } });
    expect(status.stdout).toBe('');
    const config = readFileSync(join(dir, '.git/config'), 'utf8');
    expect(config).toContain(`url = http://xxxxx@${server.host}/app.git`);
    expect(config).not.toContain('pw-Zx9');
    expect(existsSync(join(dir, '.git/FETCH_HEAD'))).toBe(false);
    const sub = await checkout(`${server.url}/app.git#feature:sub`, { ...plain, keepGitDir: true });
    expect(existsSync(join(sub.dir, '.git'))).toBe(false);
  });

  it('updates submodules unless told not to, leaving no gitlink behind', async () => {
    const { dir } = await checkout(`${server.url}/super.git`);
    expect(readFileSync(join(dir, 'vendor/lib/lib.txt'), 'utf8')).toBe('lib\n');
    expect(existsSync(join(dir, 'vendor/lib/.git'))).toBe(false);
    const without = await checkout(`${server.url}/super.git`, { ...plain, submodules: false });
    expect(readdirSync(join(without.dir, 'vendor/lib'))).toEqual([]);
  });

  it('verifies --checksum as a hex prefix of the commit or the annotated tag', async () => {
    const ok = (checksum: string, ref: string) => checkoutGitSource({ ...parseGitSource(`${server.url}/app.git#${ref}`), checksum }, join(work.path, `sum-${(n += 1)}`), plain);
    await expect(ok(commits['two']!.slice(0, 12), 'v2')).resolves.toBeDefined();
    await expect(ok(commits['v2-tag']!, 'v2')).resolves.toBeDefined();
    await expect(ok(commits['one']!, commits['one']!)).resolves.toBeDefined();
    await expect(ok(commits['one']!, 'main')).rejects.toThrow(`expected checksum to match ${commits['one']}, got ${commits['three']}`);
    await expect(ok(commits['one']!.slice(0, 8), commits['two']!)).rejects.toThrow('expected checksum to match');
    await expect(ok('foobar', 'main')).rejects.toThrow('invalid checksum foobar for Git URL, expected hex commit hash');
  });

  it('fails on a ref the repository does not have, naming the URL without its password', async () => {
    const url = `${server.url.replace('//', '//me:pw-Kk2@')}/app.git#nope`;
    const error = await rejection(checkout(url));
    expect(error.message).toContain(`http://xxxxx@${server.host}/app.git#nope`);
    expect(error.message).toContain('repository does not contain ref nope');
    expect(error.message).not.toContain('pw-Kk2');
    await expect(checkout(`${server.url}/missing.git`)).rejects.toThrow(/cannot read the default branch: git ls-remote failed \(exit 128\): .*(not found|404)/);
  });

  it('sends GIT_AUTH_TOKEN as BuildKit does, and is refused without it', async () => {
    const source = parseGitSource(`${privateServer.url}/app.git#v2`);
    const secrets = new Map([[`GIT_AUTH_TOKEN.${privateServer.host}`, TOKEN]]);
    const authorization = await gitAuthorization(source, async (id) => secrets.get(id));
    expect(authorization?.value).toBe(AUTH);
    const { resolved } = await checkoutGitSource(source, join(work.path, 'auth'), { ...plain, authorization: authorization! });
    expect(resolved.commit).toBe(commits['two']);
    expect(privateServer.requests().some((r) => r.authorization === AUTH)).toBe(true);
    const denied = await rejection(checkout(`${privateServer.url}/app.git#v2`));
    expect(denied.message).toMatch(/terminal prompts disabled/);
    expect(denied.message).toContain('--secret id=GIT_AUTH_TOKEN');
    const wrong = { scope: authorization!.scope, value: 'basic d3Jvbmc=', secret: 'wrong' };
    const failed = await rejection(checkoutGitSource(source, join(work.path, 'auth-bad'), { ...plain, authorization: wrong }));
    expect(failed.message).not.toContain('d3Jvbmc=');
  });

  it('reads git:// through git daemon', async () => {
    const { dir, resolved } = await checkout(`${daemon.url}/app.git#feature`);
    expect(resolved.commit).toBe(commits['feature']);
    expect(readFileSync(join(dir, 'feature.txt'), 'utf8')).toBe('feature\n');
  });

  it('refuses ssh without the --ssh default agent', async () => {
    for (const url of ['ssh://git@127.0.0.1/app.git', 'git@127.0.0.1:org/app.git#main']) {
      await expect(checkout(url)).rejects.toMatchObject({ code: 'TSB_USAGE', message: expect.stringContaining('--ssh default') });
    }
  });
});
