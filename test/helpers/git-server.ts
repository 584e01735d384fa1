/**
 * Real git servers for tests, over repositories the test makes with the real `git`: smart HTTP
 * (a node http server running Debian's `git-http-backend` as a CGI, protocol v2 included) on a
 * free loopback port, optionally demanding an `Authorization` header, and `git daemon` for
 * `git://`. Every HTTP request is recorded (path and the Authorization it carried) so tests can
 * prove a token was sent, or was not.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, createServer as createNetServer, type AddressInfo } from 'node:net';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const BACKEND = '/usr/lib/git-core/git-http-backend';

/** A fixed identity and clock, so a test's commits do not depend on the machine's git config. */
const GIT_ENV = {
  PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_AUTHOR_DATE: '2024-01-02T03:04:05Z',
  GIT_COMMITTER_DATE: '2024-01-02T03:04:05Z',
};

/** Runs git in `dir` (a test's own repository) and returns its trimmed stdout. */
export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'protocol.file.allow=always', ...args], { cwd: dir, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** Creates an empty repository `<root>/<name>` on branch `main` and returns its path. */
export function initRepo(root: string, name: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  return dir;
}

/** One request the HTTP server answered. */
export interface SeenRequest {
  readonly path: string;
  readonly authorization: string | undefined;
}

/** A running smart-HTTP git server over the repositories under `root`. */
export interface GitHttpServer {
  /** `http://127.0.0.1:<port>`; a repository is `${url}/<name>`. */
  readonly url: string;
  readonly host: string;
  requests(): SeenRequest[];
  stop(): Promise<void>;
}

/** Options of startGitHttpServer. */
export interface GitHttpServerOptions {
  /** When set, a request without exactly this Authorization header gets 401. */
  readonly authorization?: string;
}

/** Serves `root` with git-http-backend on a free loopback port. */
export async function startGitHttpServer(root: string, options: GitHttpServerOptions = {}): Promise<GitHttpServer> {
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const authorization = req.headers.authorization;
    seen.push({ path: req.url ?? '', authorization });
    if (options.authorization !== undefined && authorization !== options.authorization) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' }).end('unauthorized\n');
      return;
    }
    runBackend(root, req, res);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `http://${host}`,
    host,
    requests: () => [...seen],
    stop: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** One CGI call of git-http-backend: request body in, CGI headers parsed, the rest streamed out. */
function runBackend(root: string, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const env: Record<string, string> = {
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: '1',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.slice(1),
    REQUEST_METHOD: req.method ?? 'GET',
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_USER: 'test',
    REMOTE_ADDR: '127.0.0.1',
    PATH: GIT_ENV.PATH,
    HOME: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
  };
  const protocol = req.headers['git-protocol'];
  if (typeof protocol === 'string') env['GIT_PROTOCOL'] = protocol;
  const encoding = req.headers['content-encoding'];
  if (typeof encoding === 'string') env['HTTP_CONTENT_ENCODING'] = encoding;
  const child = spawn(BACKEND, [], { env, stdio: ['pipe', 'pipe', 'ignore'] });
  req.pipe(child.stdin);
  let head = Buffer.alloc(0);
  let headersDone = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headersDone) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    headersDone = true;
    let status = 200;
    for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
      else res.setHeader(name, value);
    }
    res.writeHead(status);
    res.write(head.subarray(end + 4));
  });
  child.on('close', () => {
    if (!headersDone) res.writeHead(500);
    res.end();
  });
}

/** A running `git daemon` serving `root` over git://. */
export interface GitDaemon {
  /** `git://127.0.0.1:<port>` */
  readonly url: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
  const { port } = probe.address() as AddressInfo;
  await new Promise((done) => probe.close(done));
  return port;
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    if (child.exitCode !== null) throw new Error(`git daemon exited with ${child.exitCode}`);
    const open = await new Promise<boolean>((done) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        done(true);
      });
      socket.on('error', () => done(false));
    });
    if (open) return;
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error('git daemon did not start listening');
}

/** Starts `git daemon` over `root` on a free loopback port. */
export async function startGitDaemon(root: string): Promise<GitDaemon> {
  const port = await freePort();
  const args = ['daemon', '--reuseaddr', '--export-all', `--base-path=${root}`, '--listen=127.0.0.1', `--port=${port}`, root];
  const child = spawn('git', args, { env: GIT_ENV, stdio: 'ignore' });
  await waitForPort(port, child);
  return {
    url: `git://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode !== null) return;
      const closed = new Promise((done) => child.once('close', done));
      child.kill('SIGTERM');
      await closed;
    },
  };
}
