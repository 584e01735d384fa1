/**
 * kaniko's `--context` forms through the real bin/tsbuild, a real registry (the base image) and
 * a real git server: `dir://`, `tar://` (gzip), `tar://stdin` (plain), `git://` (default branch,
 * `#ref`, `#ref#commit`, `--git branch=`, GIT_USERNAME/GIT_PASSWORD), `https://` tarballs and a
 * `--dockerfile` URL (self-signed TLS trusted through NODE_EXTRA_CA_CERTS), `--context-sub-path`.
 * Each image is written as an OCI layout and unpacked by umoci. A hostile context tar cannot
 * write outside the build's context directory, and cloud buckets fail with exit 2.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pack, type Header as TarHeader } from 'tar-stream';
import { E2eHarness } from '../build/e2e-harness.js';
import { git, initRepo, startGitHttpServer, type GitHttpServer } from '../helpers/git-server.js';
import { runTsbuild, type TsbuildRun } from '../helpers/run-tsbuild.js';
import { unpackLayout } from '../helpers/unpack-image.js';

const AUTH = `basic ${Buffer.from('ci-user:ci-pass-5Hq2').toString('base64')}`;

let h: E2eHarness;
let server: GitHttpServer;
let privateServer: GitHttpServer;
let web: Server;
let webUrl: string;
let ca: string;
let n = 0;
const commits: Record<string, string> = {};

/** A context directory with a Dockerfile that copies everything to /ctx. */
function contextDir(files: Record<string, string>): string {
  const dir = join(h.work.path, `ctx-${(n += 1)}`);
  for (const [rel, content] of Object.entries({ Dockerfile: 'ARG BASE\nFROM ${BASE}\nCOPY . /ctx/\n', ...files })) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  return dir;
}

/** Writes a tar of exactly these entries (names as given, `..` and absolute ones too). */
async function writeTar(path: string, entries: readonly (readonly [Partial<TarHeader> & { name: string }, string])[]): Promise<void> {
  const tar = pack();
  for (const [header, body] of entries) tar.entry(header, body);
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of tar) chunks.push(chunk as Buffer);
  writeFileSync(path, Buffer.concat(chunks));
}

/** Builds to an OCI layout (no push) and returns the unpacked rootfs. */
async function build(args: readonly string[], env: Record<string, string> = {}, stdinFile?: string): Promise<{ run: TsbuildRun; rootfs: string }> {
  const out = join(h.work.path, `out-${(n += 1)}`);
  const all = ['--no-push', '--oci-layout-path', join(out, 'layout'), '--build-arg', `BASE=${h.base}`, '--kaniko-dir', join(h.work.path, 'kaniko'), ...args];
  const run = await runTsbuild(all, env, stdinFile);
  if (run.code !== 0) return { run, rootfs: '' };
  return { run, rootfs: (await unpackLayout(join(out, 'layout'), out)).rootfs };
}

function gitFixture(root: string): void {
  const app = initRepo(root, 'app.git');
  writeFileSync(join(app, 'Dockerfile'), 'ARG BASE\nFROM ${BASE}\nCOPY . /ctx/\n');
  writeFileSync(join(app, 'version.txt'), 'one\n');
  git(app, 'add', '-A');
  git(app, 'commit', '-q', '-m', 'one');
  commits['one'] = git(app, 'rev-parse', 'HEAD');
  git(app, 'checkout', '-q', '-b', 'dev');
  writeFileSync(join(app, 'version.txt'), 'dev-two\n');
  mkdirSync(join(app, 'svc'));
  writeFileSync(join(app, 'svc/Dockerfile'), 'ARG BASE\nFROM ${BASE}\nCOPY . /svc/\n');
  writeFileSync(join(app, 'svc/svc.txt'), 'svc\n');
  git(app, 'add', '-A');
  git(app, 'commit', '-q', '-m', 'two');
  commits['two'] = git(app, 'rev-parse', 'HEAD');
  writeFileSync(join(app, 'version.txt'), 'dev-three\n');
  git(app, 'commit', '-q', '-am', 'three');
  git(app, 'tag', 'v3');
  git(app, 'checkout', '-q', 'main');
}

beforeAll(async () => {
  h = await E2eHarness.start();
  const repos = join(h.work.path, 'repos');
  gitFixture(repos);
  server = await startGitHttpServer(repos);
  privateServer = await startGitHttpServer(repos, { authorization: AUTH });
  // An https server with a fresh self-signed certificate, for https:// contexts and Dockerfiles.
  const tls = join(h.work.path, 'tls');
  mkdirSync(tls);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', join(tls, 'key.pem'), '-out', join(tls, 'cert.pem')], { stdio: 'pipe' });
  ca = join(tls, 'cert.pem');
  const files = join(h.work.path, 'web');
  mkdirSync(files);
  execFileSync('tar', ['-czf', join(files, 'ctx.tar.gz'), '-C', contextDir({ 'web.txt': 'from https\n' }), '.']);
  writeFileSync(join(files, 'Dockerfile'), 'ARG BASE\nFROM ${BASE}\nCOPY web.txt /from-url-dockerfile\n');
  web = createServer({ key: readFileSync(join(tls, 'key.pem')), cert: readFileSync(ca) }, (req, res) => {
    const path = join(files, (req.url ?? '/').replace(/^\/+/, ''));
    if (!existsSync(path)) return void res.writeHead(404).end();
    createReadStream(path).pipe(res);
  });
  await new Promise<void>((done) => web.listen(0, '127.0.0.1', done));
  webUrl = `https://127.0.0.1:${(web.address() as AddressInfo).port}`;
}, 60_000);
afterAll(async () => {
  await new Promise((done) => web?.close(done));
  await server?.stop();
  await privateServer?.stop();
  await h?.stop();
});

describe('--context forms (e2e)', () => {
  it('builds a dir:// context', async () => {
    const { run, rootfs } = await build(['--context', `dir://${contextDir({ 'a.txt': 'dir\n' })}`]);
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    expect(readFileSync(join(rootfs, 'ctx/a.txt'), 'utf8')).toBe('dir\n');
  });

  it('builds a tar:// context (gzip), then --context-sub-path inside it', async () => {
    const tarball = join(h.work.path, 'ctx.tar.gz');
    execFileSync('tar', ['-czf', tarball, '-C', contextDir({ 'a.txt': 'tar\n', 'svc/Dockerfile': 'ARG BASE\nFROM ${BASE}\nCOPY . /svc/\n', 'svc/s.txt': 's\n' }), '.']);
    const whole = await build(['--context', `tar://${tarball}`]);
    expect(whole.run.code).toBe(0);
    expect(readFileSync(join(whole.rootfs, 'ctx/a.txt'), 'utf8')).toBe('tar\n');
    const sub = await build(['--context', `tar://${tarball}`, '--context-sub-path', 'svc']);
    expect(sub.run.code).toBe(0);
    expect(readdirSync(join(sub.rootfs, 'svc')).sort()).toEqual(['Dockerfile', 's.txt']);
    // The unpacked context lived in the work dir, which is gone.
    expect(readdirSync(join(h.work.path, 'kaniko'))).toEqual([]);
  });

  it('builds a tar://stdin context (plain tar)', async () => {
    const tarball = join(h.work.path, 'stdin.tar');
    execFileSync('tar', ['-cf', tarball, '-C', contextDir({ 'a.txt': 'stdin\n' }), '.']);
    const { run, rootfs } = await build(['--context', 'tar://stdin'], {}, tarball);
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    expect(readFileSync(join(rootfs, 'ctx/a.txt'), 'utf8')).toBe('stdin\n');
  });

  it('refuses a tar context entry that climbs out with .., and writes nothing outside', async () => {
    const marker = `escape-${process.pid}-${Date.now()}.txt`;
    const tarball = join(h.work.path, 'dotdot.tar');
    await writeTar(tarball, [
      [{ name: 'Dockerfile' }, 'ARG BASE\nFROM ${BASE}\nCOPY . /ctx/\n'],
      [{ name: `../../../../../../../../../../${marker}` }, 'dotdot\n'],
    ]);
    const { run } = await build(['--context', `tar://${tarball}`]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/climbs out of the layer root .*TSB_PATH_ESCAPE/);
    expect(existsSync(`/${marker}`)).toBe(false);
    expect(execFileSync('find', [h.work.path, '-name', marker], { encoding: 'utf8' })).toBe('');
  });

  it('keeps absolute names and writes through symlinks of a tar context inside the context', async () => {
    const marker = `contained-${process.pid}-${Date.now()}.txt`;
    const outside = join(h.work.path, 'outside');
    mkdirSync(outside);
    const tarball = join(h.work.path, 'hostile.tar');
    await writeTar(tarball, [
      [{ name: 'Dockerfile' }, 'ARG BASE\nFROM ${BASE}\nCOPY . /ctx/\n'],
      [{ name: `/${marker}` }, 'absolute\n'],
      [{ name: 'out', type: 'symlink', linkname: outside }, ''],
      [{ name: `out/${marker}` }, 'through a symlink\n'],
    ]);
    const { run, rootfs } = await build(['--context', `tar://${tarball}`]);
    expect(run.code).toBe(0);
    expect(existsSync(`/${marker}`)).toBe(false);
    expect(readdirSync(outside)).toEqual([]);
    // Both landed inside the context (the symlink resolved as in a chroot), and so in the image.
    expect(readFileSync(join(rootfs, 'ctx', marker), 'utf8')).toBe('absolute\n');
    expect(readFileSync(join(rootfs, 'ctx', outside, marker), 'utf8')).toBe('through a symlink\n');
  });

  it('builds a git:// context: default branch, #ref, #ref#commit, --git branch=, and a sub path', async () => {
    const env = { GIT_PULL_METHOD: 'http' };
    const repo = `git://${server.host}/app.git`;
    const main = await build(['--context', repo], env);
    expect(main.run.stderr).toMatch(new RegExp(`cloned the git context at ${commits['one']}`));
    expect(readFileSync(join(main.rootfs, 'ctx/version.txt'), 'utf8')).toBe('one\n');
    // kaniko's context is a clone: .git is there, its origin without credentials.
    expect(readFileSync(join(main.rootfs, 'ctx/.git/config'), 'utf8')).toContain(`url = http://${server.host}/app.git`);
    const dev = await build(['--context', `${repo}#refs/heads/dev`], env);
    expect(readFileSync(join(dev.rootfs, 'ctx/version.txt'), 'utf8')).toBe('dev-three\n');
    const pinned = await build(['--context', `${repo}#refs/heads/dev#${commits['two']}`], env);
    expect(pinned.run.code).toBe(0);
    expect(readFileSync(join(pinned.rootfs, 'ctx/version.txt'), 'utf8')).toBe('dev-two\n');
    const tag = await build(['--context', repo, '--git', 'branch=v3,single-branch=true'], env);
    expect(readFileSync(join(tag.rootfs, 'ctx/version.txt'), 'utf8')).toBe('dev-three\n');
    expect(tag.run.stderr).toMatch(/--git single-branch\/depth have no effect/);
    const sub = await build(['--context', `${repo}#refs/heads/dev`, '--context-sub-path', 'svc'], env);
    expect(readdirSync(join(sub.rootfs, 'svc')).sort()).toEqual(['Dockerfile', 'svc.txt']);
  });

  it('clones a private repository with GIT_USERNAME/GIT_PASSWORD, and names kaniko\'s variables when they are missing', async () => {
    const repo = `git://${privateServer.host}/app.git`;
    const denied = await build(['--context', repo], { GIT_PULL_METHOD: 'http' });
    expect(denied.run.code).toBe(1);
    expect(denied.run.stderr).toMatch(/--context git:\/\/.*needs GIT_TOKEN, or GIT_USERNAME and GIT_PASSWORD/);
    const ok = await build(['--context', repo], { GIT_PULL_METHOD: 'http', GIT_USERNAME: 'ci-user', GIT_PASSWORD: 'ci-pass-5Hq2' });
    expect(ok.run.code).toBe(0);
    expect(ok.run.stderr).not.toContain('ci-pass-5Hq2');
    expect(readFileSync(join(ok.rootfs, 'ctx/version.txt'), 'utf8')).toBe('one\n');
    expect(privateServer.requests().some((r) => r.authorization === AUTH)).toBe(true);
  });

  it('builds an https:// tarball context, and reads a Dockerfile from a URL', async () => {
    const env = { NODE_EXTRA_CA_CERTS: ca };
    const ctx = await build(['--context', `${webUrl}/ctx.tar.gz`], env);
    expect(ctx.run.code).toBe(0);
    expect(readFileSync(join(ctx.rootfs, 'ctx/web.txt'), 'utf8')).toBe('from https\n');
    const remote = await build(['--context', `${webUrl}/ctx.tar.gz`, '--dockerfile', `${webUrl}/Dockerfile`], env);
    expect(remote.run.code).toBe(0);
    expect(readFileSync(join(remote.rootfs, 'from-url-dockerfile'), 'utf8')).toBe('from https\n');
    const missing = await build(['--context', `${webUrl}/nothing.tar.gz`], env);
    expect(missing.run.code).toBe(1);
    expect(missing.run.stderr).toMatch(/--context https:\/\/.*nothing\.tar\.gz: bad status from server: 404/);
  });

  it.each([
    ['gs://my-bucket/ctx.tar.gz', /Google Cloud Storage are not supported; download and extract it first/],
    ['s3://my-bucket/ctx.tar.gz', /Amazon S3 are not supported/],
  ])('fails %s with exit 2 and the way round it', async (context, message) => {
    const run = await runTsbuild(['--context', context, '--no-push']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/tar:\/\/stdin/);
  });
});
