/**
 * BuildKit's git authentication from build secrets (`source/git` `authSecretNames`): the first
 * of `GIT_AUTH_HEADER.<host>`, `GIT_AUTH_TOKEN.<host>`, `GIT_AUTH_HEADER`, `GIT_AUTH_TOKEN` that
 * the build was given becomes the `Authorization` header of requests to that remote. A header
 * secret is sent as it is; a token becomes `basic base64("x-access-token:<token>")`, which is
 * what GitHub, GitLab and Gitea accept. For github.com the header is scoped to the whole site
 * (as actions/checkout does), elsewhere to the repository URL. Only http(s) carries it.
 */
import type { GitSource } from './git-ref.js';

/** Reads a build secret by id; undefined when the build has none of that id. */
export type SecretLookup = (id: string) => Promise<string | undefined>;

/** The header, the URL prefix it applies to, and the secret it came from (kept out of errors). */
export interface GitAuthorization {
  readonly scope: string;
  readonly value: string;
  readonly secret: string;
}

function scopeOf(remote: string): string {
  const url = new URL(remote);
  url.username = '';
  url.password = '';
  const plain = url.toString();
  for (const site of ['https://github.com/', 'https://www.github.com/']) if (plain.startsWith(site)) return site;
  return plain;
}

/** The authorization BuildKit would send for `source`, or undefined. */
export async function gitAuthorization(source: GitSource, secret: SecretLookup): Promise<GitAuthorization | undefined> {
  if (source.scheme !== 'http' && source.scheme !== 'https') return undefined;
  const names = [
    { id: `GIT_AUTH_HEADER.${source.host}`, token: false },
    { id: `GIT_AUTH_TOKEN.${source.host}`, token: true },
    { id: 'GIT_AUTH_HEADER', token: false },
    { id: 'GIT_AUTH_TOKEN', token: true },
  ];
  for (const { id, token } of names) {
    const value = await secret(id);
    if (value === undefined) continue;
    const header = token ? `basic ${Buffer.from(`x-access-token:${value}`).toString('base64')}` : value;
    return { scope: scopeOf(source.remote), value: header, secret: value };
  }
  return undefined;
}
