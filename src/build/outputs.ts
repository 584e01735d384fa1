/**
 * Every output is a sink taking the built Image. Pushes go to every destination concurrently
 * (each pushes blobs, then its manifest); files are written atomically by their sinks.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pushImage, writeDockerTar, writeOciLayout, type Image } from '../image/index.js';
import type { Logger } from '../log/index.js';
import { formatReference, parseReference, type Digest } from '../oci/index.js';
import type { RegistryClient } from '../registry/index.js';

export interface OutputRequest {
  readonly destinations: readonly string[];
  readonly push: boolean;
  readonly tarPath?: string;
  readonly ociLayoutPath?: string;
  readonly digestFile?: string;
}

/** Pushes and writes the image; returns its manifest digest. */
export async function writeOutputs(img: Image, req: OutputRequest, client: RegistryClient, logger: Logger): Promise<Digest> {
  const digest = await img.digest();
  const refs = req.destinations.map(parseReference);
  if (req.push) {
    await Promise.all(
      refs.map(async (ref) => {
        const started = Date.now();
        await pushImage(client, img, ref);
        logger.info({ destination: formatReference(ref), digest, ms: Date.now() - started }, 'pushed');
      }),
    );
  }
  for (const path of [req.tarPath, req.digestFile, req.ociLayoutPath && `${req.ociLayoutPath}/`]) {
    if (path) await mkdir(dirname(path), { recursive: true });
  }
  if (req.tarPath) {
    await writeDockerTar(img, req.tarPath, refs.map(formatReference));
    logger.info({ path: req.tarPath }, 'wrote image tarball');
  }
  if (req.ociLayoutPath) {
    await writeOciLayout(img, req.ociLayoutPath, refs[0]?.tag ?? 'latest');
    logger.info({ path: req.ociLayoutPath }, 'wrote OCI layout');
  }
  if (req.digestFile) {
    const tmp = `${req.digestFile}.tmp-${randomUUID()}`;
    await writeFile(tmp, digest);
    await rename(tmp, req.digestFile);
  }
  return digest;
}
