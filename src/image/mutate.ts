/**
 * Mutations return new Images and never touch their base (ggcr's `mutate`). The new manifest and
 * config are computed lazily, once, from the base's: nothing is read until someone asks.
 */
import { InternalError, type History, type ImageConfig } from '../oci/index.js';
import { computedImage, layerDescriptor, manifestLayers } from './computed-image.js';
import type { Image, Layer } from './types.js';

/** A layer to add and the history entry that describes it. */
export interface LayerAddition {
  readonly layer: Layer;
  readonly history: History;
}

/** `base` with `adds` on top: manifest layers, `rootfs.diff_ids` and history all grow together. */
export function appendLayers(base: Image, adds: readonly LayerAddition[]): Image {
  for (const add of adds) {
    if (add.history.empty_layer === true) {
      throw new InternalError('appendLayers was given a history entry marked empty_layer for a real layer');
    }
  }
  return computedImage({
    family: base.family,
    layers: async () => {
      const added = await Promise.all(adds.map((add) => layerDescriptor(add.layer, base.family)));
      return [...(await manifestLayers(base)), ...added];
    },
    config: async () => {
      const [config, diffIds] = await Promise.all([base.config(), Promise.all(adds.map((a) => a.layer.diffId()))]);
      return {
        ...config,
        rootfs: { ...config.rootfs, diff_ids: [...config.rootfs.diff_ids, ...diffIds] },
        history: [...completeHistory(config), ...adds.map((a) => ({ ...a.history }))],
      };
    },
  });
}

/** `base` with its config replaced by `patch(config)`; layers are unchanged. */
export function withConfig(base: Image, patch: (cfg: ImageConfig) => ImageConfig): Image {
  return computedImage({
    family: base.family,
    layers: () => manifestLayers(base),
    // The patch gets a copy, so a careless patch cannot reach into the base's memoized config.
    config: async () => patch(structuredClone(await base.config())),
  });
}

/**
 * The base's history with an empty entry in front for every layer it does not describe (images
 * built by tools that write no history), so that history entries without `empty_layer` stay in
 * step with the layers — readers such as `docker history` pair them by position.
 */
function completeHistory(config: ImageConfig): History[] {
  const history = config.history ?? [];
  const described = history.filter((h) => h.empty_layer !== true).length;
  const missing = config.rootfs.diff_ids.length - described;
  return [...Array.from({ length: Math.max(0, missing) }, () => ({})), ...history];
}
