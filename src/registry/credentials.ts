/**
 * Registry credentials from the Docker client config, resolved the way `docker` resolves them:
 * `credHelpers[registry]`, else `credsStore`, else the `auths` entry. Every answer says where it
 * came from, so an auth error can name the source that was tried (never the secret).
 *
 * `$REGISTRY_AUTH_FILE` (podman's auth file) is consulted FIRST, then the Docker config: kaniko's
 * image always sets `DOCKER_CONFIG=/kaniko/.docker/`, so a REGISTRY_AUTH_FILE in the environment
 * is the one a user set on purpose, and an explicit setting must win. As in podman, a registry
 * the auth file knows nothing about falls through to the Docker config.
 */
import { TsbuildError } from '../oci/index.js';
import { getFromHelper } from './cred-helper.js';
import { findRegistryKey, helperServerUrl } from './credential-keys.js';
import { type AuthEntry, type CredentialEnv, configCandidates, type DockerConfig, readDockerConfig } from './docker-config.js';

/** Credentials for one registry. */
export interface Credential {
  readonly username?: string;
  readonly password?: string;
  /** An OAuth2 refresh token (`identitytoken`, or a helper's `<token>` user). */
  readonly identityToken?: string;
  /** A bearer token to send as it is (`registrytoken`). */
  readonly registryToken?: string;
}

/** A lookup's answer: the credential (none = anonymous) and a description of its source. */
export interface CredentialLookup {
  readonly credential: Credential | undefined;
  readonly source: string;
}

/** Where the registry client gets credentials; looked up lazily, once per registry. */
export interface CredentialStore {
  lookup(registry: string): Promise<CredentialLookup>;
}

/** A store with no credentials at all (pull of public images, tests). */
export function anonymousCredentials(reason = 'no credentials configured'): CredentialStore {
  return { lookup: async () => ({ credential: undefined, source: `anonymous (${reason})` }) };
}

function fromAuthEntry(entry: AuthEntry, where: string): Credential | undefined {
  if (entry.identitytoken) return { identityToken: entry.identitytoken, ...(entry.username ? { username: entry.username } : {}) };
  if (entry.registrytoken) return { registryToken: entry.registrytoken };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new TsbuildError('TSB_CREDENTIALS', `${where}: "auth" is not base64 of user:password`);
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (entry.username !== undefined && entry.password !== undefined) return { username: entry.username, password: entry.password };
  return undefined;
}

async function fromHelper(name: string, registry: string, path: string, kind: string): Promise<CredentialLookup | undefined> {
  const source = `docker-credential-${name} (${kind} in ${path})`;
  const got = await getFromHelper(name, helperServerUrl(registry), path);
  if (!got) return undefined;
  const credential = got.username === '<token>' ? { identityToken: got.secret } : { username: got.username, password: got.secret };
  return { credential, source };
}

async function resolve(registry: string, path: string, config: DockerConfig): Promise<CredentialLookup> {
  const helperKey = findRegistryKey(Object.keys(config.credHelpers ?? {}), registry);
  const helper = helperKey === undefined ? undefined : config.credHelpers?.[helperKey];
  if (helper) {
    const got = await fromHelper(helper, registry, path, 'credHelpers');
    if (got) return got;
  } else if (config.credsStore) {
    const got = await fromHelper(config.credsStore, registry, path, 'credsStore');
    if (got) return got;
  }
  const key = findRegistryKey(Object.keys(config.auths ?? {}), registry);
  const entry = key === undefined ? undefined : config.auths?.[key];
  const where = `${path} (auths[${JSON.stringify(key)}])`;
  const credential = entry ? fromAuthEntry(entry, where) : undefined;
  if (credential) return { credential, source: where };
  return { credential: undefined, source: `anonymous (no credentials for ${registry} in ${path})` };
}

type Found = { path: string; config: DockerConfig };

/** Asks each config in turn; the first that has a credential for the registry answers. */
async function resolveIn(registry: string, configs: readonly Found[]): Promise<CredentialLookup> {
  const misses: string[] = [];
  for (const { path, config } of configs) {
    const answer = await resolve(registry, path, config);
    if (answer.credential) return answer;
    misses.push(path);
  }
  return { credential: undefined, source: `anonymous (no credentials for ${registry} in ${misses.join(' or ')})` };
}

/**
 * Finds `$REGISTRY_AUTH_FILE` and the Docker config (see `configCandidates`) and answers lookups
 * from them, memoized per registry.
 */
export async function loadCredentials(env: CredentialEnv): Promise<CredentialStore> {
  const dockerCandidates = configCandidates(env);
  const authFile = env.REGISTRY_AUTH_FILE ? await readDockerConfig([env.REGISTRY_AUTH_FILE]) : undefined;
  const docker = await readDockerConfig(dockerCandidates);
  const configs = [authFile, docker].filter((c): c is Found => c !== undefined);
  if (configs.length === 0) {
    const tried = [...(env.REGISTRY_AUTH_FILE ? [env.REGISTRY_AUTH_FILE] : []), ...dockerCandidates];
    return anonymousCredentials(`no Docker config found; tried ${tried.join(', ')}`);
  }
  const answers = new Map<string, Promise<CredentialLookup>>();
  return {
    lookup(registry) {
      let answer = answers.get(registry);
      if (!answer) {
        answer = resolveIn(registry, configs);
        answers.set(registry, answer);
      }
      return answer;
    },
  };
}
