/**
 * Answers registry auth challenges. On a 401 the `WWW-Authenticate` challenge is parsed:
 * `Basic` resends with the user's credentials, `Bearer` fetches a token for the request's scopes
 * (cached per registry and scope). Once a registry has challenged, later requests carry the
 * answer up front, so a streamed upload is not refused halfway. Authorization is only ever sent
 * to the registry's own API host, never to storage it redirects to.
 */
import type { CredentialStore } from './credentials.js';
import { RegistryError } from './registry-error.js';
import { redactUrl } from './redact-url.js';
import { errorFromResponse } from './response-error.js';
import { basicHeader, fetchToken } from './token.js';
import { mergeScopes, TokenCache } from './token-cache.js';
import { discardBody, isReplayable, type Transport, type TransportRequest, type TransportResponse } from './transport.js';
import { type Challenge, parseWwwAuthenticate } from './www-authenticate.js';

export interface AuthOptions {
  readonly credentials: CredentialStore;
  /** Sends token requests (no auth layer of its own). */
  readonly tokenTransport: Transport;
}

function withHeader(req: TransportRequest, header: string | undefined): TransportRequest {
  return header === undefined ? req : { ...req, headers: { ...req.headers, Authorization: header } };
}

function pickChallenge(res: TransportResponse): Challenge | undefined {
  const all = parseWwwAuthenticate(res.headers.get('www-authenticate') ?? '');
  return all.find((c) => c.scheme === 'bearer') ?? all.find((c) => c.scheme === 'basic');
}

/** Wraps a transport with challenge handling; one instance per client (it holds the token cache). */
export function withAuth(next: Transport, options: AuthOptions): Transport {
  const tokens = new TokenCache();
  const challenges = new Map<string, Challenge>();

  async function authorize(req: TransportRequest, challenge: Challenge): Promise<string> {
    const { registry } = req.target;
    const { credential, source } = await options.credentials.lookup(registry);
    if (credential?.registryToken) return `Bearer ${credential.registryToken}`;
    if (challenge.scheme === 'basic') {
      if (credential?.username !== undefined && credential.password !== undefined) {
        return basicHeader(credential.username, credential.password);
      }
      const why = credential?.identityToken ? 'an identity token cannot answer a Basic challenge' : 'no username and password';
      throw new RegistryError(
        { code: 'TSB_REGISTRY_AUTH', registry, repository: req.target.repository, method: req.method, url: redactUrl(req.url), status: 401 },
        `${registry} requires Basic authentication for repository ${req.target.repository} but there is ${why}; credentials: ${source}`,
      );
    }
    const extra = challenge.params['scope']?.split(' ').filter((s) => s !== '') ?? [];
    const scopes = mergeScopes([...req.target.scopes, ...extra]);
    let token = tokens.find(registry, req.target.scopes);
    if (!token) {
      token = fetchToken(options.tokenTransport, challenge, scopes, credential, source, req);
      tokens.add(registry, scopes, token);
    }
    return (await token).header;
  }

  async function upFront(req: TransportRequest): Promise<string | undefined> {
    const challenge = challenges.get(req.target.registry);
    if (!challenge || req.url.host !== req.target.apiHost) return undefined;
    return authorize(req, challenge);
  }

  async function refused(req: TransportRequest, res: TransportResponse): Promise<never> {
    const { source } = await options.credentials.lookup(req.target.registry);
    throw await errorFromResponse(req, res, {
      code: 'TSB_REGISTRY_AUTH',
      detail: `registry ${req.target.registry}, repository ${req.target.repository}, credentials: ${source}`,
    });
  }

  return async (req) => {
    const sent = await upFront(req);
    const first = await next(withHeader(req, sent));
    if (first.status === 403) return refused(req, first);
    if (first.status !== 401) return first;
    const challenge = pickChallenge(first);
    if (!challenge || first.url.host !== req.target.apiHost) return refused(req, first);
    discardBody(first);
    // Remembered for later requests, minus the scope, which belonged to this request only.
    const { scope: _scope, ...params } = challenge.params;
    challenges.set(req.target.registry, { scheme: challenge.scheme, params });
    if (sent !== undefined) tokens.clear(req.target.registry);
    const header = await authorize(req, challenge);
    if (!isReplayable(req)) {
      throw new RegistryError(
        { registry: req.target.registry, repository: req.target.repository, method: req.method, url: redactUrl(req.url), status: 401, temporary: true },
        `${req.method} ${redactUrl(req.url)}: 401 after the body was streamed; credentials renewed, the request must be sent again`,
      );
    }
    const second = await next(withHeader(req, header));
    if (second.status === 401 || second.status === 403) return refused(req, second);
    return second;
  };
}

