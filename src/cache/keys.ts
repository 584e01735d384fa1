/**
 * Cache keys: content-addressed and chained, after BuildKit's cache keys rather than kaniko's.
 *
 * A stage starts from `stageStartKey`, derived from
 *   - the base: an image's manifest digest (the platform's manifest, never a tag), the final key
 *     of the stage it is built on (`FROM <stage>`), or `scratch`;
 *   - the platform being built;
 *   - how layers are written (`LayerFormat`: media type, gzip level, the `--reproducible` mtime
 *     clamp), because a cached layer must be byte-identical to the one this build would write;
 *   - `KEY_SCHEMA`, bumped whenever tsbuild changes what a step writes, so old entries stop matching.
 * Step N's key is sha256 over step N-1's key and a canonical JSON document of the step's inputs
 * (`StepKeyInput`, fixed field order, maps sorted by name, absent fields `null` so that "not
 * given" never collides with "empty"). The chain follows the *definition*: a key never depends on
 * what an earlier step produced, so every key of every stage is known before anything runs, and a
 * lookup after a miss is still meaningful (BuildKit does this; kaniko stops at the first miss).
 *
 * What goes in, and what stays out on purpose:
 *   - `instruction`: the kind and its words after expansion, flags included (`--chown`, `--chmod`,
 *     `--network`, `--mount` …). The `--chown` *spec* suffices: the ids it resolves to come from the
 *     rootfs's /etc/passwd, which the chain already pins.
 *   - `env`: for RUN, the environment the command sees (config ENV with the ARGs in scope applied,
 *     in order, as `runEnvironment` builds it), because ARG/ENV shadowing depends on the order of
 *     instructions, which the chain of cacheable steps alone does not record.
 *   - `args`: the ARGs *declared* in scope and the proxy build args given. A `--build-arg` that no
 *     ARG in scope declares is not in scope and so never changes a key.
 *   - `user`, `workdir`, `shell`: config fields that change what RUN does (user and groups, cwd,
 *     the shell-form argv) or where COPY and WORKDIR write (relative dest, directory owner).
 *   - `inputs`: the digest of what COPY/ADD reads (`sourceDigest`, or `stageSourceDigest` for
 *     `--from=<stage>`).
 *   - Never: `--label` values (applied to the final config only), history timestamps, the
 *     build's `created` time, the Dockerfile's line numbers or comments.
 */
import { createHash } from 'node:crypto';
import { formatPlatform, InternalError, type Digest, type Platform } from '../oci/index.js';

/** Bumped when tsbuild changes the bytes a step writes for the same inputs. */
export const KEY_SCHEMA = 'tsbuild-cache-v1';

/** A cache key: `sha256:<64 hex>`; only this module creates one. */
export type CacheKey = string & { readonly __brand: 'CacheKey' };

/** What a stage starts from. */
export type StageBase =
  | { readonly kind: 'image'; readonly digest: Digest }
  | { readonly kind: 'stage'; readonly finalKey: CacheKey }
  | { readonly kind: 'scratch' };

/** How the stage's layers are written: anything that changes their bytes. */
export interface LayerFormat {
  readonly mediaType: string;
  /** gzip level, or another compressor's setting. */
  readonly compression: string;
  /** `--reproducible` / SOURCE_DATE_EPOCH clamp of entry mtimes; absent when not clamped. */
  readonly clampMtime?: number;
}

/** The inputs of one cacheable step (see the file header for what each field means). */
export interface StepKeyInput {
  readonly instruction: string;
  readonly env?: readonly string[];
  readonly args?: ReadonlyMap<string, string>;
  readonly user?: string;
  readonly workdir?: string;
  readonly shell?: readonly string[];
  readonly inputs?: string;
}

const KEY_RE = /^sha256:[a-f0-9]{64}$/;

function chain(parts: readonly string[]): CacheKey {
  const hash = createHash('sha256');
  // Length-prefixed parts: no choice of values can make two different part lists hash alike.
  for (const part of parts) hash.update(`${Buffer.byteLength(part)}:${part}`);
  return `sha256:${hash.digest('hex')}` as CacheKey;
}

/** The key a stage's first step chains from. */
export function stageStartKey(base: StageBase, platform: Platform, layers: LayerFormat): CacheKey {
  const baseText = base.kind === 'image' ? `image ${base.digest}` : base.kind === 'stage' ? `stage ${base.finalKey}` : 'scratch';
  const format = JSON.stringify([layers.mediaType, layers.compression, layers.clampMtime ?? null]);
  return chain([KEY_SCHEMA, 'stage', baseText, formatPlatform(platform), format]);
}

/** The key of a step, chained from the key before it. */
export function stepKey(prev: CacheKey, step: StepKeyInput): CacheKey {
  if (!KEY_RE.test(prev)) throw new InternalError(`not a cache key: ${JSON.stringify(prev)}`);
  const args = step.args === undefined ? null : [...step.args].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const doc = JSON.stringify([
    step.instruction,
    step.env ?? null,
    args,
    step.user ?? null,
    step.workdir ?? null,
    step.shell ?? null,
    step.inputs ?? null,
  ]);
  return chain([KEY_SCHEMA, 'step', prev, doc]);
}

/**
 * The inputs of `COPY --from=<stage>`: the stage's final key and the source patterns as expanded.
 * By definition, not by content, so the key is known before the stage has run.
 */
export function stageSourceDigest(stageFinalKey: CacheKey, patterns: readonly string[]): string {
  return chain([KEY_SCHEMA, 'from-stage', stageFinalKey, JSON.stringify(patterns)]);
}

/** The key's hex part: the tag or ref name a store files the entry under. */
export function keyTag(key: CacheKey): string {
  return key.slice('sha256:'.length);
}

