/**
 * A token server for docker-registry's `token` auth, written for the tests: it checks Basic
 * credentials, grants each requested scope what a policy allows, and issues JWTs the way
 * distribution 2.8 verifies them — ES256, signed with a key whose self-signed certificate
 * (made with openssl at start) is both the `x5c` header and the registry's `rootcertbundle`;
 * `iss`, `aud` (the service), `exp`, and `access: [{type, name, actions}]`.
 */
import { execFile } from 'node:child_process';
import { randomBytes, sign } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One token request as the server saw it. */
export interface TokenRequestRecord {
  readonly account: string | undefined;
  readonly scopes: readonly string[];
  readonly grantType: string;
}

export interface TokenServerOptions {
  /** Users and passwords; a request with wrong credentials gets 401. */
  readonly users: Readonly<Record<string, string>>;
  /** Actions `account` (undefined = anonymous) may take on `repository`. */
  readonly grants: (account: string | undefined, repository: string) => readonly string[];
  /** `expires_in` reported to the client, seconds (default 300). */
  readonly expiresIn?: number;
  /** Lifetime written into the n-th JWT's `exp` (0-based), seconds (default `expiresIn`); may be negative. */
  readonly jwtLifetime?: (n: number) => number;
}

export interface TokenServer extends AsyncDisposable {
  readonly realm: string;
  readonly service: string;
  readonly issuer: string;
  readonly rootCertBundle: string;
  readonly requests: TokenRequestRecord[];
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

interface Access {
  type: string;
  name: string;
  actions: string[];
}

function parseScope(scope: string): Access | undefined {
  const last = scope.lastIndexOf(':');
  const first = scope.indexOf(':');
  if (first < 0 || last === first) return undefined;
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions: scope.slice(last + 1).split(',') };
}

async function body(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const c of req) text += String(c);
  return text;
}

/** Starts a token server on loopback with a fresh signing key; stop it with `await using`. */
export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const dir = await mkdtemp(join(tmpdir(), 'tsbuild-token-'));
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  await run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-keyout', keyPath, '-out', certPath, '-subj', '/CN=tsbuild-test-token-issuer',
  ]);
  const key = await readFile(keyPath, 'utf8');
  const certDer = (await readFile(certPath, 'utf8')).replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const service = 'tsbuild-test-registry';
  const issuer = 'tsbuild-test-issuer';
  const requests: TokenRequestRecord[] = [];
  const expiresIn = options.expiresIn ?? 300;

  const issue = (account: string | undefined, scopes: readonly string[]): string => {
    const now = Math.floor(Date.now() / 1000);
    const access = scopes.flatMap((s) => {
      const wanted = parseScope(s);
      if (!wanted || wanted.type !== 'repository') return [];
      const allowed = options.grants(account, wanted.name);
      return [{ ...wanted, actions: wanted.actions.filter((a) => allowed.includes(a)) }];
    });
    const exp = now + (options.jwtLifetime?.(requests.length) ?? expiresIn);
    const header = { typ: 'JWT', alg: 'ES256', x5c: [certDer] };
    const claims = { iss: issuer, sub: account ?? '', aud: service, exp, iat: now, jti: randomBytes(8).toString('hex'), access };
    const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' });
    return `${signingInput}.${b64url(signature)}`;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://token');
    const form = new URLSearchParams(req.method === 'POST' ? await body(req) : '');
    let account: string | undefined;
    const auth = req.headers.authorization;
    if (auth?.startsWith('Basic ')) {
      const [user, ...rest] = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':');
      if (user === undefined || options.users[user] !== rest.join(':')) {
        res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"errors":[{"code":"UNAUTHORIZED","message":"bad username or password"}]}');
        return;
      }
      account = user;
    }
    const scopes = req.method === 'POST' ? (form.get('scope') ?? '').split(' ').filter(Boolean) : url.searchParams.getAll('scope');
    const token = issue(account, scopes);
    requests.push({ account, scopes, grantType: form.get('grant_type') ?? 'basic' });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ token, access_token: token, expires_in: expiresIn, issued_at: new Date().toISOString() }));
  };

  const server = createServer((req, res) => void handle(req, res).catch(() => res.writeHead(500).end()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('token server has no address');
  return {
    realm: `http://127.0.0.1:${address.port}/token`,
    service,
    issuer,
    rootCertBundle: certPath,
    requests,
    async [Symbol.asyncDispose]() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
