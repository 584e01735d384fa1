/**
 * The image `FROM scratch` starts from. Its config is BuildKit's `emptyImage`: the platform,
 * `WorkingDir "/"`, and a default `PATH` on non-Windows platforms, so a scratch stage behaves
 * exactly as under `docker build` (a RUN in it finds `/bin/sh` through PATH).
 */
import type { ImageConfig, MediaFamily, Platform } from '../oci/index.js';
import { computedImage } from './computed-image.js';
import type { Image } from './types.js';

/** The PATH BuildKit and Docker give a container whose image sets none (Linux). */
export const DEFAULT_PATH_ENV = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** An image with no layers and no history for `platform`, in the given media family. */
export function scratchImage(family: MediaFamily, platform: Platform): Image {
  const config: ImageConfig = {
    architecture: platform.architecture,
    os: platform.os,
    ...(platform['os.version'] !== undefined ? { 'os.version': platform['os.version'] } : {}),
    ...(platform['os.features'] !== undefined ? { 'os.features': [...platform['os.features']] } : {}),
    ...(platform.variant !== undefined ? { variant: platform.variant } : {}),
    config: {
      // Windows finds its programs without PATH; BuildKit leaves it unset there.
      ...(platform.os === 'windows' ? {} : { Env: [`PATH=${DEFAULT_PATH_ENV}`] }),
      WorkingDir: '/',
    },
    rootfs: { type: 'layers', diff_ids: [] },
  };
  return computedImage({
    family,
    config: () => Promise.resolve(structuredClone(config)),
    layers: () => Promise.resolve([]),
  });
}
