/**
 * BuildKit's automatic platform ARGs. They are in the global scope without a declaration (FROM
 * lines see them) and inside a stage only once declared with `ARG NAME`, default-less. A
 * `--build-arg` of the same name overrides them, as in BuildKit's `defaultArgs`.
 */
import { formatPlatform, type Platform } from '../oci/index.js';

/** `TARGET*` for the platform being built, `BUILD*` for the one the build runs on. */
export function platformArgs(target: Platform, build: Platform): Map<string, string> {
  return new Map([
    ['TARGETPLATFORM', formatPlatform(target)],
    ['TARGETOS', target.os],
    ['TARGETARCH', target.architecture],
    ['TARGETVARIANT', target.variant ?? ''],
    ['BUILDPLATFORM', formatPlatform(build)],
    ['BUILDOS', build.os],
    ['BUILDARCH', build.architecture],
    ['BUILDVARIANT', build.variant ?? ''],
  ]);
}

/** Global ARG values a stage's `ARG NAME` falls back to: platform ARGs under the declared ones. */
export function stageGlobals(
  builtin: ReadonlyMap<string, string>,
  buildArgs: ReadonlyMap<string, string>,
  declared: ReadonlyMap<string, string>,
): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, value] of builtin) out.set(name, buildArgs.get(name) ?? value);
  for (const [name, value] of declared) out.set(name, value);
  return out;
}
