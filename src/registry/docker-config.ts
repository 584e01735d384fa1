/**
 * Locating and reading the Docker client config that holds registry credentials:
 * `$DOCKER_CONFIG/config.json`, else kaniko's `/kaniko/.docker/config.json`, else
 * `~/.docker/config.json` — the first that exists. Podman's `$REGISTRY_AUTH_FILE` has the same
 * format and is read by the same code (credentials.ts decides the order).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { TsbuildError } from '../oci/index.js';

/** What `loadCredentials` takes from the environment (passed in; src never reads process.env). */
export interface CredentialEnv {
  /** podman / buildah / skopeo's auth file (same JSON as a Docker config), a file path. */
  readonly REGISTRY_AUTH_FILE?: string | undefined;
  readonly DOCKER_CONFIG?: string | undefined;
  readonly HOME?: string | undefined;
}

const AuthEntrySchema = z.looseObject({
  auth: z.string().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  identitytoken: z.string().optional(),
  registrytoken: z.string().optional(),
});
export type AuthEntry = z.infer<typeof AuthEntrySchema>;

const DockerConfigSchema = z.looseObject({
  auths: z.record(z.string(), AuthEntrySchema).optional(),
  credHelpers: z.record(z.string(), z.string()).optional(),
  credsStore: z.string().optional(),
});
export type DockerConfig = z.infer<typeof DockerConfigSchema>;

/** The Docker config files tried, in order (the first that exists is used). */
export function configCandidates(env: CredentialEnv): string[] {
  const list: string[] = [];
  if (env.DOCKER_CONFIG) list.push(join(env.DOCKER_CONFIG, 'config.json'));
  list.push('/kaniko/.docker/config.json');
  if (env.HOME) list.push(join(env.HOME, '.docker', 'config.json'));
  return list;
}

/** The first existing config and its path, or `undefined` when none exists. */
export async function readDockerConfig(
  candidates: readonly string[],
): Promise<{ path: string; config: DockerConfig } | undefined> {
  for (const path of candidates) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') continue;
      throw new TsbuildError('TSB_CREDENTIALS', `cannot read Docker config ${path}: ${(err as Error).message}`, { cause: err });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new TsbuildError('TSB_CREDENTIALS', `Docker config ${path} is not valid JSON: ${(err as Error).message}`, { cause: err });
    }
    const parsed = DockerConfigSchema.safeParse(json);
    if (!parsed.success) {
      const where = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new TsbuildError('TSB_CREDENTIALS', `Docker config ${path} is invalid: ${where}`);
    }
    return { path, config: parsed.data };
  }
  return undefined;
}
