/**
 * A "dumb" HTTP git server (static files after `git update-server-info`, the server BuildKit's own
 * ADD git tests use) cannot do shallow fetches: checkoutGitSource retries without `--depth`, as
 * BuildKit does, and gets the same tree.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReadStream, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { checkoutGitSource, parseGitSource } from '../../src/context/index.js';
import { git, initRepo } from '../helpers/git-server.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';

let work: TempDir;
let server: Server;
let url: string;
let commit: string;

beforeAll(async () => {
  work = await tempDir();
  const repo = initRepo(work.path, 'repo');
  writeFileSync(join(repo, 'a.txt'), 'dumb\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'one');
  git(repo, 'update-server-info');
  commit = git(repo, 'rev-parse', 'HEAD');
  server = createServer((req, res) => {
    const file = join(repo, normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, ''));
    if (!statSync(file, { throwIfNoEntry: false })?.isFile()) return void res.writeHead(404).end();
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.git`;
});
afterAll(async () => {
  await new Promise((done) => server?.close(done));
  await work?.[Symbol.asyncDispose]();
});

describe('checkoutGitSource over dumb HTTP', () => {
  it('falls back to a full fetch', async () => {
    const { resolved, dir } = await checkoutGitSource(parseGitSource(`${url}#main`), join(work.path, 'out'), { keepGitDir: false, submodules: true });
    expect(resolved.commit).toBe(commit);
    expect(statSync(join(dir, 'a.txt')).size).toBe(5);
  });
});
