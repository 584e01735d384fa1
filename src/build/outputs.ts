/**
 * Every output is a sink taking the built Image. Pushes go to every destination concurrently
 * (each pushes blobs, then its manifest); files are written atomically (temp name, rename).
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pushImage, writeDockerTar, writeFileAtomic, writeOciLayout, type Image } from '../image/index.js';
import type { Logger } from '../log/index.js';
import { DOCKER_HUB, formatReference, parseReference, type Digest, type Reference } from '../oci/index.js';
import type { RegistryClient } from '../registry/index.js';

export interface OutputRequest {
  readonly destinations: readonly string[];
  readonly push: boolean;
  /** Retries of a whole push that failed temporarily (kaniko --push-retry). */
  readonly pushRetries?: number;
  readonly ignoreImmutableTagErrors?: boolean;
  readonly tarPath?: string;
  readonly ociLayoutPath?: string;
  readonly digestFile?: string;
  readonly imageNameWithDigestFile?: string;
  readonly imageNameTagWithDigestFile?: string;
}

/** kaniko (go-containerregistry) spells Docker Hub `index.docker.io` in these files. */
function repositoryOf(ref: Reference): string {
  return `${ref.registry === DOCKER_HUB ? 'index.docker.io' : ref.registry}/${ref.repository}`;
}

async function writeTextFile(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, text);
}

/** Pushes and writes the image; returns its manifest digest. */
export async function writeOutputs(img: Image, req: OutputRequest, client: RegistryClient, logger: Logger): Promise<Digest> {
  const digest = await img.digest();
  const refs = req.destinations.map(parseReference);
  if (req.push) {
    await Promise.all(
      refs.map(async (ref) => {
        const started = Date.now();
        await pushImage(client, img, ref, {
          logger,
          ...(req.pushRetries === undefined ? {} : { retries: req.pushRetries }),
          ...(req.ignoreImmutableTagErrors === undefined ? {} : { ignoreImmutableTagErrors: req.ignoreImmutableTagErrors }),
        });
        logger.info({ destination: formatReference(ref), digest, ms: Date.now() - started }, 'pushed');
      }),
    );
  }
  if (req.tarPath) {
    await mkdir(dirname(req.tarPath), { recursive: true });
    await writeDockerTar(img, req.tarPath, refs.map(formatReference));
    logger.info({ path: req.tarPath }, 'wrote image tarball');
  }
  if (req.ociLayoutPath) {
    await mkdir(req.ociLayoutPath, { recursive: true });
    await writeOciLayout(img, req.ociLayoutPath, refs[0]?.tag ?? 'latest');
    logger.info({ path: req.ociLayoutPath }, 'wrote OCI layout');
  }
  if (req.digestFile) await writeTextFile(req.digestFile, digest);
  if (req.imageNameWithDigestFile) {
    await writeTextFile(req.imageNameWithDigestFile, refs.map((r) => `${repositoryOf(r)}@${digest}\n`).join(''));
  }
  if (req.imageNameTagWithDigestFile) {
    await writeTextFile(req.imageNameTagWithDigestFile, refs.map((r) => `${repositoryOf(r)}:${r.tag ?? 'latest'}@${digest}\n`).join(''));
  }
  return digest;
}
