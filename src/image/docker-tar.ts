/**
 * The `docker save` archive that `docker load` and `skopeo copy docker-archive:` read: the
 * config as `<hex>.json`, each layer blob as `<hex>.tar.gz` (kept compressed, as
 * go-containerregistry's tarball writes it; both readers sniff the compression), and a
 * `manifest.json` listing them with the image's tags. Blobs are streamed into the archive, which
 * is written under a temp name and renamed (DESIGN rule 4).
 */
import { createWriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { DOCKER_HUB, MediaType, parseDigest, parseReference, splitDigest, TsbuildError } from '../oci/index.js';
import { addTarEntry, type TarHeader } from './tar-entry.js';
import type { Image, Layer } from './types.js';
import { commitTempFile } from './write-atomic.js';

/** Writes `img` as a docker-load-able archive at `path`, tagged with each of `tags`. */
export async function writeDockerTar(img: Image, path: string, tags: readonly string[]): Promise<void> {
  const repoTags = tags.map(repoTag);
  const [configDescriptor, rawConfig, layers] = await Promise.all([img.configDescriptor(), img.rawConfig(), img.layers()]);
  const configName = `${splitDigest(parseDigest(configDescriptor.digest)).hex}.json`;
  const layerNames = await Promise.all(layers.map(layerFileName));
  await commitTempFile(
    dirname(path),
    async (temp) => {
      const pack = tar.pack();
      // Readable.from turns the streamx pack into a Node stream that `pipeline` handles fully.
      const written = pipeline(Readable.from(pack), createWriteStream(temp));
      const produced = (async () => {
        try {
          await addTarEntry(pack, header(configName, rawConfig.length), rawConfig);
          const seen = new Set<string>();
          for (const [i, layer] of layers.entries()) {
            const name = layerNames[i]!;
            if (seen.has(name)) continue; // the same blob twice in one image is stored once
            seen.add(name);
            await addTarEntry(pack, header(name, await layer.size()), await layer.open());
          }
          const manifest = JSON.stringify([{ Config: configName, RepoTags: repoTags, Layers: layerNames }]);
          await addTarEntry(pack, header('manifest.json', Buffer.byteLength(manifest)), Buffer.from(manifest));
          pack.finalize();
        } catch (err) {
          pack.destroy(err as Error);
          throw err;
        }
      })();
      // Both sides at once: a failing file (or writer) must reject here, not as an unhandled promise.
      await Promise.all([written, produced]);
    },
    () => path,
  );
}

/** Fixed metadata so the same image always gives the same archive bytes. */
function header(name: string, size: number): TarHeader {
  return { name, size, mode: 0o644, uid: 0, gid: 0, mtime: new Date(0), type: 'file' };
}

async function layerFileName(layer: Layer): Promise<string> {
  const { hex } = splitDigest(await layer.digest());
  switch (layer.mediaType) {
    case MediaType.ociLayerZstd:
      return `${hex}.tar.zst`;
    case MediaType.ociLayerTar:
      return `${hex}.tar`;
    default:
      return `${hex}.tar.gz`;
  }
}

/** `docker save`'s spelling of a tag: Docker Hub names in their short form (`alpine:3`). */
function repoTag(text: string): string {
  const ref = parseReference(text);
  if (ref.tag === undefined || ref.digest !== undefined) {
    throw new TsbuildError('TSB_OUTPUT', `docker archive tag ${JSON.stringify(text)} must be name:tag without a digest`);
  }
  if (ref.registry !== DOCKER_HUB) return `${ref.registry}/${ref.repository}:${ref.tag}`;
  const name = ref.repository.startsWith('library/') ? ref.repository.slice('library/'.length) : ref.repository;
  return `${name}:${ref.tag}`;
}
