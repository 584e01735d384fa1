/**
 * `tsbuild warmer`: the images named by `--image` and those a `--dockerfile` pulls, downloaded
 * into `--cache-dir` for later builds' `--cache-dir` (kaniko's warmer). Wiring only.
 */
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { platformArgs } from '../build/index.js';
import { dockerfileImages, warmImages } from '../cache/index.js';
import type { Logger } from '../log/index.js';
import { DEFAULT_PLATFORM, parsePlatform, TsbuildError, UsageError, type Platform } from '../oci/index.js';
import { registrySetup } from './registry-setup.js';
import type { WarmerOptions } from './warmer-options.js';

/** What the warmer takes from the process (main.ts). */
export interface WarmerEnvironment {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly logger: Logger;
}

function platform(o: WarmerOptions): Platform {
  if (o.customPlatform === undefined) return DEFAULT_PLATFORM;
  const parsed = parsePlatform(o.customPlatform);
  if (!parsed) throw new UsageError(`--custom-platform ${o.customPlatform}: expected os/arch[/variant], e.g. linux/arm64`);
  return parsed;
}

async function imagesOf(o: WarmerOptions, target: Platform, cwd: string): Promise<string[]> {
  if (o.dockerfile === undefined) return [...o.images];
  const path = resolve(cwd, o.dockerfile);
  const text = await readFile(path, 'utf8').catch((err: unknown) => {
    throw new TsbuildError('TSB_CONTEXT', `cannot read the Dockerfile at ${path}`, { cause: err });
  });
  const fromDockerfile = dockerfileImages(text, basename(path), {
    buildArgs: new Map(o.buildArgs),
    builtinArgs: platformArgs(target, target),
    ...(o.target === undefined ? {} : { target: o.target }),
  });
  return [...o.images, ...fromDockerfile];
}

/** Warms every image; fails only when none could be warmed. */
export async function runWarmer(o: WarmerOptions, run: WarmerEnvironment): Promise<void> {
  const target = platform(o);
  const images = await imagesOf(o, target, run.cwd);
  const registries = await registrySetup({ ...o, insecure: false, skipTlsVerify: false }, run.env, run.logger);
  try {
    const results = await warmImages(images, {
      pullImage: registries.pullImage,
      dir: resolve(run.cwd, o.cacheDir),
      platform: target,
      force: o.force,
      ttlMs: o.cacheTtl,
      logger: run.logger,
    });
    const count = (status: string) => results.filter((r) => r.status === status).length;
    run.logger.info(`warmer: ${count('warmed')} warmed, ${count('present')} already present, ${count('failed')} failed`);
  } finally {
    registries.pull.close();
    registries.push.close();
  }
}
