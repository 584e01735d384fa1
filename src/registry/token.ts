/**
 * The Bearer token flow of the distribution spec: ask the challenge's realm for a token for the
 * scopes at hand, with Basic credentials when we have them (anonymous otherwise), or trade an
 * identity token for one with the OAuth2 refresh-token grant.
 */
import { TsbuildError } from '../oci/index.js';
import type { Credential } from './credentials.js';
import { readCapped, errorFromResponse } from './response-error.js';
import type { Transport, TransportRequest } from './transport.js';
import type { Challenge } from './www-authenticate.js';

const TOKEN_BODY_CAP = 1024 * 1024;
const DEFAULT_EXPIRES_S = 60;

/** A token ready to send, and when to stop sending it. */
export interface BearerToken {
  readonly header: string;
  readonly expiresAt: number;
}

/** `Authorization: Basic …` for a username and password. */
export function basicHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

function tokenRequest(challenge: Challenge, scopes: readonly string[], credential: Credential | undefined, original: TransportRequest): TransportRequest {
  const realm = challenge.params['realm'];
  let url: URL;
  try {
    url = new URL(realm ?? '');
  } catch {
    throw new TsbuildError('TSB_REGISTRY_AUTH', `${original.target.registry} sent a Bearer challenge without a usable realm (${JSON.stringify(realm)})`);
  }
  const service = challenge.params['service'];
  const target = original.target;
  if (credential?.identityToken) {
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: credential.identityToken, client_id: 'tsbuild' });
    if (service) form.set('service', service);
    if (scopes.length > 0) form.set('scope', scopes.join(' '));
    const headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
    return { method: 'POST', url, headers, body: Buffer.from(form.toString()), target };
  }
  if (service) url.searchParams.set('service', service);
  for (const scope of scopes) url.searchParams.append('scope', scope);
  const headers: Record<string, string> = {};
  if (credential?.username !== undefined && credential.password !== undefined) {
    url.searchParams.set('account', credential.username);
    headers['Authorization'] = basicHeader(credential.username, credential.password);
  }
  return { method: 'GET', url, headers, target };
}

/** Fetches a token from the challenge's realm; failures are TSB_REGISTRY_AUTH naming `source`. */
export async function fetchToken(
  transport: Transport,
  challenge: Challenge,
  scopes: readonly string[],
  credential: Credential | undefined,
  source: string,
  original: TransportRequest,
  now = Date.now(),
): Promise<BearerToken> {
  const req = tokenRequest(challenge, scopes, credential, original);
  const res = await transport(req);
  if (res.status !== 200) {
    throw await errorFromResponse(req, res, {
      code: 'TSB_REGISTRY_AUTH',
      detail: `token request for ${original.target.repository} on ${original.target.registry} refused; credentials: ${source}`,
    });
  }
  const body = await readCapped(res.body, TOKEN_BODY_CAP);
  let json: { token?: unknown; access_token?: unknown; expires_in?: unknown };
  try {
    json = JSON.parse(body?.toString('utf8') ?? '') as typeof json;
  } catch {
    throw new TsbuildError('TSB_REGISTRY_AUTH', `token server for ${original.target.registry} answered with something that is not a token`);
  }
  const token = typeof json.token === 'string' && json.token ? json.token : json.access_token;
  if (typeof token !== 'string' || token === '') {
    throw new TsbuildError('TSB_REGISTRY_AUTH', `token server for ${original.target.registry} returned no token`);
  }
  const seconds = typeof json.expires_in === 'number' && json.expires_in > 0 ? json.expires_in : DEFAULT_EXPIRES_S;
  // Renew a little early so a token does not expire between being attached and being checked.
  const margin = Math.min(10, seconds / 2) * 1000;
  return { header: `Bearer ${token}`, expiresAt: now + seconds * 1000 - margin };
}
