/**
 * Instructions that only change the image config: VOLUME, STOPSIGNAL, SHELL, ONBUILD and
 * MAINTAINER. Each is a line or two; they share this file because they share nothing else.
 */
import type { Handler } from '../types.js';

/** VOLUME: each expanded path becomes a key of Volumes. */
export const volume: Handler<'VOLUME'> = async (ins, step) => {
  const volumes: Record<string, Record<string, never>> = { ...(step.config.Volumes ?? {}) };
  for (const path of ins.volumes) volumes[step.expand(path)] = {};
  return { kind: 'config', config: { ...step.config, Volumes: volumes } };
};

/** STOPSIGNAL: stored as expanded (`SIGTERM`, `9`, …). */
export const stopsignal: Handler<'STOPSIGNAL'> = async (ins, step) => ({
  kind: 'config',
  config: { ...step.config, StopSignal: step.expand(ins.signal) },
});

/** SHELL: the JSON argv later shell-form RUN, CMD and ENTRYPOINT use; stored in the config. */
export const shell: Handler<'SHELL'> = async (ins, step) => ({
  kind: 'config',
  config: { ...step.config, Shell: [...ins.shell] },
});

/** ONBUILD: the trigger is stored as written; it runs when another build uses this image. */
export const onbuild: Handler<'ONBUILD'> = async (ins, step) => ({
  kind: 'config',
  config: { ...step.config, OnBuild: [...(step.config.OnBuild ?? []), ins.expression] },
});

/** MAINTAINER (deprecated): sets the image's `author`. */
export const maintainer: Handler<'MAINTAINER'> = async (ins, step) => ({
  kind: 'config',
  config: step.config,
  author: step.expand(ins.maintainer),
});
