/**
 * `--mount=type=secret`: the `--secret` of that id, for this RUN only, as a read-only file bound
 * from the RUN's scratch directory (outside the rootfs, so no layer can hold it) with the spec's
 * mode and owner, and/or as an env var of this command. A secret nobody passed is skipped, or an
 * error with `required=true`, as in BuildKit.
 */
import { chmod, chown, copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SecretMountSpec } from '../../dockerfile/index.js';
import { TsbuildError } from '../../oci/index.js';
import type { RunMount } from '../../sandbox/index.js';
import type { RunSecret } from './resources.js';

/** What one secret adds to the RUN. */
export interface SecretUse {
  readonly mounts: readonly RunMount[];
  readonly env: readonly string[];
}

async function secretValue(secret: RunSecret, id: string): Promise<string> {
  if (secret.kind === 'value') return secret.value;
  return readFile(secret.path, 'utf8').catch((err: unknown) => {
    throw new TsbuildError('TSB_USAGE', `--secret id=${id}: cannot read ${secret.path}`, { cause: err });
  });
}

/** The file and/or variable of `spec`; `target` is its absolute file path when it has one. */
export async function secretMount(
  spec: SecretMountSpec,
  target: string | undefined,
  secrets: ReadonlyMap<string, RunSecret>,
  scratch: string,
  index: number,
): Promise<SecretUse> {
  const secret = secrets.get(spec.id);
  if (secret === undefined) {
    if (!spec.required) return { mounts: [], env: [] };
    throw new TsbuildError('TSB_USAGE', `secret ${spec.id} is required by RUN --mount=type=secret but was not given (--secret id=${spec.id},src=<file>)`);
  }
  const mounts: RunMount[] = [];
  if (target !== undefined) {
    const file = join(scratch, `secret-${index}`);
    if (secret.kind === 'file') await copyFile(secret.path, file).catch((err: unknown) => {
      throw new TsbuildError('TSB_USAGE', `--secret id=${spec.id}: cannot read ${secret.path}`, { cause: err });
    });
    else await writeFile(file, secret.value, { mode: 0o600 });
    await chown(file, spec.uid, spec.gid);
    await chmod(file, spec.mode);
    mounts.push({ kind: 'bind', source: file, target, readonly: true });
  }
  const env = spec.env === undefined ? [] : [`${spec.env}=${await secretValue(secret, spec.id)}`];
  return { mounts, env };
}
