/**
 * A real CNCF distribution registry (`/usr/bin/docker-registry`, Debian package docker-registry)
 * on a free loopback port with its storage in a temp dir: plain HTTP by default, optionally TLS
 * with a fresh self-signed certificate (openssl) and htpasswd users (bcrypt via perl's crypt(3),
 * which is libxcrypt on Debian and always installed; apache2-utils is not needed).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REGISTRY_BIN = '/usr/bin/docker-registry';

export interface RegistryOptions {
  /** htpasswd users (name → password); without them the registry allows anyone. */
  readonly users?: Readonly<Record<string, string>>;
  /** Serve HTTPS with a self-signed certificate for 127.0.0.1. */
  readonly tls?: boolean;
  /** With `tls`: require client certificates signed by one of these CA files (mutual TLS). */
  readonly clientCas?: readonly string[];
  /** Token auth (`auth.token`) against a token server such as test/helpers/token-server.ts. */
  readonly token?: { readonly realm: string; readonly service: string; readonly issuer: string; readonly rootCertBundle: string };
}

export interface TestRegistry extends AsyncDisposable {
  /** `127.0.0.1:PORT` */
  readonly host: string;
  /** `http://127.0.0.1:PORT` or `https://…` */
  readonly url: string;
  /** The filesystem storage root. */
  readonly storageDir: string;
  /** With `tls`: the registry's self-signed certificate (PEM), to trust as a CA. */
  readonly certPath: string;
  /** Where the registry keeps a blob's bytes (to corrupt them in tests). */
  blobDataPath(digest: string): string;
  /** Everything the registry printed (access log included). */
  output(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const BCRYPT_ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A bcrypt hash; the salt's last character carries only 2 bits, so it is one of `.Oeu`. */
async function bcryptHash(password: string): Promise<string> {
  const salt = [...randomBytes(21)].map((b) => BCRYPT_ALPHABET[b % 64]).join('') + '.Oeu'[randomBytes(1)[0]! % 4];
  const { stdout } = await run('perl', ['-e', 'print crypt($ARGV[0], $ARGV[1])', password, `$2b$05$${salt}`]);
  if (!stdout.startsWith('$2b$')) throw new Error(`perl crypt(3) produced no bcrypt hash: ${stdout}`);
  return stdout;
}

function configYaml(dir: string, host: string, options: RegistryOptions): string {
  const lines = [
    'version: 0.1',
    'log:',
    '  level: warn',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'storage')}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: ${host}`,
    `  secret: ${randomBytes(16).toString('hex')}`,
  ];
  if (options.tls) lines.push('  tls:', `    certificate: ${join(dir, 'cert.pem')}`, `    key: ${join(dir, 'key.pem')}`);
  if (options.tls && options.clientCas) lines.push('    clientcas:', ...options.clientCas.map((ca) => `      - ${ca}`));
  if (options.users) lines.push('auth:', '  htpasswd:', '    realm: tsbuild-test', `    path: ${join(dir, 'htpasswd')}`);
  if (options.token) {
    const t = options.token;
    lines.push('auth:', '  token:', `    realm: ${t.realm}`, `    service: ${t.service}`, `    issuer: ${t.issuer}`, `    rootcertbundle: ${t.rootCertBundle}`);
  }
  return `${lines.join('\n')}\n`;
}

async function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = request(`${url}/v2/`, { rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve(true);
    });
    // Anything but a refused connection means the registry is listening (a registry that wants
    // a client certificate ends the handshake of this probe, which offers none).
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code !== 'ECONNREFUSED'));
    req.end();
  });
}

async function waitUntilReady(child: ChildProcess, url: string, output: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}:\n${output()}`);
    if (await answers(url)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`docker-registry did not answer at ${url} within 15 s:\n${output()}`);
}

/** Starts a fresh registry; stop it with `await using` or `stop()`. */
export async function startRegistry(options: RegistryOptions = {}): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'tsbuild-registry-'));
  const host = `127.0.0.1:${await freePort()}`;
  if (options.tls) {
    await run('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    ]);
  }
  if (options.users) {
    const lines = await Promise.all(Object.entries(options.users).map(async ([user, pw]) => `${user}:${await bcryptHash(pw)}`));
    await writeFile(join(dir, 'htpasswd'), `${lines.join('\n')}\n`);
  }
  const configPath = join(dir, 'config.yml');
  await writeFile(configPath, configYaml(dir, host, options));
  const child = spawn(REGISTRY_BIN, ['serve', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: string[] = [];
  child.stdout?.setEncoding('utf8').on('data', (d: string) => chunks.push(d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => chunks.push(d));
  const output = () => chunks.join('');
  const url = `${options.tls ? 'https' : 'http'}://${host}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(child, url, output);
  } catch (err) {
    await stop();
    throw err;
  }
  const storageDir = join(dir, 'storage');
  return {
    host,
    url,
    storageDir,
    certPath: join(dir, 'cert.pem'),
    blobDataPath: (digest) => {
      const [algorithm, hex] = digest.split(':') as [string, string];
      return join(storageDir, 'docker/registry/v2/blobs', algorithm, hex.slice(0, 2), hex, 'data');
    },
    output,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
