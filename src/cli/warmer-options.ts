/**
 * `tsbuild warmer`'s options: kaniko's warmer flags (`--image/-i`, `--dockerfile`, `--build-arg`,
 * `--target`, `--cache-dir`, `--force`, `--cache-ttl`, `--custom-platform`) and the pull side of
 * the registry flags. Rows shared with the build reuse the build's table and schema entries.
 */
import { z } from 'zod';
import { FLAGS, type FlagSpec } from './flags.js';
import { BuildOptionsSchema } from './options.js';

const SHARED = [
  'buildArgs', 'target', 'cacheTtl', 'customPlatform', 'verbosity', 'logFormat', 'insecurePull', 'skipTlsVerifyPull',
  'insecureRegistries', 'skipTlsVerifyRegistries', 'registryCertificates', 'registryClientCerts', 'registryMirrors',
  'registryMaps', 'skipDefaultRegistryFallback', 'imageDownloadRetry',
] as const;

type Shared = (typeof SHARED)[number];

export const WarmerOptionsSchema = BuildOptionsSchema.pick(Object.fromEntries(SHARED.map((k) => [k, true])) as { [K in Shared]: true }).extend({
  images: z.array(z.string().min(1)),
  dockerfile: z.string().min(1).optional(),
  cacheDir: z.string().min(1),
  force: z.boolean(),
});

/** A validated warmer request (`cacheTtl` in milliseconds). */
export type WarmerOptions = z.infer<typeof WarmerOptionsSchema>;

/** The warmer's flag table. */
export const WARMER_FLAGS: { readonly [K in keyof WarmerOptions]-?: FlagSpec } = {
  ...(Object.fromEntries(SHARED.map((k) => [k, FLAGS[k]])) as { [K in Shared]: FlagSpec }),
  images: { long: 'image', short: 'i', kind: 'list', valueName: 'ref', help: 'image to download into the cache dir (repeatable)' },
  dockerfile: { long: 'dockerfile', short: 'f', kind: 'string', valueName: 'path', help: 'also download the images this Dockerfile pulls (FROM, COPY --from)' },
  cacheDir: { long: 'cache-dir', kind: 'string', default: '/cache', valueName: 'dir', help: 'directory of the base-image cache' },
  force: { long: 'force', kind: 'bool', help: 'download again even when the cache holds the image' },
};
