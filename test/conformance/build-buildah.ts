/**
 * Builds a corpus case with the reference builder, `buildah bud --isolation chroot --format
 * docker` on vfs storage in a temp dir, then pushes it to an OCI layout for umoci (the same
 * unpacker as tsbuild's side). The config is read with `buildah inspect` from the Docker-format
 * image itself: converting to OCI drops Docker's fields (Healthcheck, OnBuild, Shell).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { unpackLayout, type UnpackedConfig } from '../helpers/unpack-image.js';
import { caseBuildArgs, caseSecretArgs, type BuildOutcome, type CorpusEnv } from './build-tsbuild.js';
import type { ConformanceCase } from './cases.js';
import { prepareCase } from './prepare-context.js';

const run = promisify(execFile);

/** buildah's own storage for one differential run. */
export interface BuildahStore {
  readonly root: string;
  readonly runroot: string;
}

function buildah(store: BuildahStore, args: readonly string[]) {
  return run('buildah', ['--storage-driver', 'vfs', '--root', store.root, '--runroot', store.runroot, ...args], { maxBuffer: 64 << 20 });
}

/** Builds `c` with buildah in `work` (an empty temp dir). */
export async function buildWithBuildah(c: ConformanceCase, env: CorpusEnv, work: string, store: BuildahStore): Promise<BuildOutcome> {
  const { context, dockerfile } = prepareCase(c, join(work, 'input'), env.base);
  const tag = `localhost/conformance/${c.name}:latest`;
  const args = ['bud', '--isolation', 'chroot', '--format', 'docker', '--tls-verify=false', '-f', dockerfile, '-t', tag];
  for (const [k, v] of Object.entries(caseBuildArgs(c, env))) args.push('--build-arg', `${k}=${v}`);
  if (c.expected.target) args.push('--target', c.expected.target);
  args.push(...caseSecretArgs(c), context);
  try {
    const built = await buildah(store, args);
    const layout = join(work, 'layout');
    await buildah(store, ['push', tag, `oci:${layout}:img`]);
    const inspect = JSON.parse((await buildah(store, ['inspect', '--type', 'image', tag])).stdout) as { Docker: UnpackedConfig };
    const image = await unpackLayout(layout, join(work, 'unpacked'));
    await buildah(store, ['rmi', tag]);
    return { code: 0, output: `${built.stdout}\n${built.stderr}`, layout, image: { rootfs: image.rootfs, config: inspect.Docker } };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string; message: string };
    return { code: typeof e.code === 'number' ? e.code : null, output: `${e.stdout ?? ''}\n${e.stderr ?? e.message}` };
  }
}
