/**
 * Builds a corpus case with the real `bin/tsbuild` (compiled dist/) into an OCI layout and
 * unpacks the result with umoci.
 */
import { join } from 'node:path';
import { runTsbuild } from '../helpers/run-tsbuild.js';
import { unpackLayout, type UnpackedImage } from '../helpers/unpack-image.js';
import type { ConformanceCase } from './cases.js';
import { prepareCase } from './prepare-context.js';

/** What every build of the corpus gets from the test setup. */
export interface CorpusEnv {
  /** The busybox base image in the test registry (`127.0.0.1:PORT/base/busybox:latest`). */
  readonly base: string;
  /** The file server's URL, for cases with `"http": true`. */
  readonly http: string;
}

/** A finished build: the builder's output, and the image (its OCI layout, unpacked) when it succeeded. */
export interface BuildOutcome {
  readonly code: number | null;
  readonly output: string;
  readonly image?: UnpackedImage;
  readonly layout?: string;
}

/** The `--build-arg`s of a case: `BASE`, `HTTP` when it serves files, then its own. */
export function caseBuildArgs(c: ConformanceCase, env: CorpusEnv): Record<string, string> {
  return { BASE: env.base, ...(c.expected.http ? { HTTP: `${env.http}/${c.name}/www` } : {}), ...c.expected.buildArgs };
}

/** The `--secret id=ID,src=FILE` arguments of a case (its files stay in the case folder). */
export function caseSecretArgs(c: ConformanceCase): string[] {
  return Object.entries(c.expected.secrets ?? {}).flatMap(([id, file]) => ['--secret', `id=${id},src=${join(c.dir, file)}`]);
}

/** Builds `c` in `work` (an empty temp dir). */
export async function buildWithTsbuild(c: ConformanceCase, env: CorpusEnv, work: string): Promise<BuildOutcome> {
  const { context, dockerfile } = prepareCase(c, join(work, 'input'), env.base);
  const layout = join(work, 'layout');
  const args = ['--context', context, '--dockerfile', dockerfile, '--no-push', '--oci-layout-path', layout];
  for (const [k, v] of Object.entries(caseBuildArgs(c, env))) args.push('--build-arg', `${k}=${v}`);
  if (c.expected.target) args.push('--target', c.expected.target);
  args.push(...caseSecretArgs(c));
  const run = await runTsbuild(args);
  const output = `${run.stdout}\n${run.stderr}`;
  if (run.code !== 0) return { code: run.code, output };
  return { code: run.code, output, layout, image: await unpackLayout(layout, join(work, 'unpacked')) };
}
