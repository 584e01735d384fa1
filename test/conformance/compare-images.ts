/**
 * The differential comparison: two unpacked images (tsbuild's and buildah's) compared path by
 * path and config field by field. Timestamps and history are not compared (they legitimately
 * differ), nor the labels buildah adds about itself.
 */
import { isDeepStrictEqual } from 'node:util';
import type { PathFacts } from '../helpers/tree-facts.js';
import type { UnpackedConfig } from '../helpers/unpack-image.js';

const FIELDS = ['type', 'mode', 'uid', 'gid', 'size', 'sha256', 'target', 'linkGroup', 'capability'] as const;
const CONFIG_FIELDS = ['Env', 'Cmd', 'Entrypoint', 'WorkingDir', 'User', 'Labels', 'ExposedPorts', 'Volumes', 'StopSignal', 'Healthcheck', 'Shell', 'OnBuild'] as const;
/**
 * Fields whose empty value means the same as unset: buildah writes `[]`/`{}` where Docker writes
 * nothing. `Cmd` is not among them: `CMD []` is a deliberate value.
 */
const EMPTY_IS_UNSET = new Set(['Labels', 'ExposedPorts', 'Volumes', 'Cmd', 'Entrypoint', 'OnBuild', 'Shell']);
/**
 * What buildah's chroot isolation leaves in the image after any RUN: its mount points and the
 * files it bind-mounts over. Docker/BuildKit images do not gain them, so they are ignored when
 * only buildah has them (if tsbuild had them, that would be reported).
 */
const BUILDAH_RUN_ARTIFACTS = new Set(['/dev', '/proc', '/sys', '/run', '/etc/hostname', '/etc/hosts', '/etc/resolv.conf']);

const show = (field: string, v: unknown) => (v === undefined ? '-' : field === 'mode' ? (v as number).toString(8).padStart(4, '0') : JSON.stringify(v));

/** Differences between two trees, `a` tsbuild's and `b` buildah's. */
export function compareTrees(a: Map<string, PathFacts>, b: Map<string, PathFacts>): string[] {
  const out: string[] = [];
  for (const path of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const x = a.get(path);
    const y = b.get(path);
    if (!x && BUILDAH_RUN_ARTIFACTS.has(path)) continue;
    if (!x || !y) {
      out.push(`${path}: only in ${x ? 'tsbuild' : 'buildah'} (${(x ?? y)!.type})`);
      continue;
    }
    for (const f of FIELDS) {
      if (!isDeepStrictEqual(x[f], y[f])) out.push(`${path}: ${f} tsbuild=${show(f, x[f])} buildah=${show(f, y[f])}`);
    }
  }
  return out;
}

function normalise(field: string, value: unknown): unknown {
  if (value === null || value === '') return undefined;
  if (EMPTY_IS_UNSET.has(field) && typeof value === 'object' && Object.keys(value as object).length === 0) return undefined;
  if (field === 'Labels' && value && typeof value === 'object') {
    const { 'io.buildah.version': _ignored, ...rest } = value as Record<string, string>;
    return Object.keys(rest).length === 0 ? undefined : rest;
  }
  return value;
}

/** Differences between two configs' Docker-relevant fields. */
export function compareConfigs(a: UnpackedConfig, b: UnpackedConfig): string[] {
  const out: string[] = [];
  for (const f of CONFIG_FIELDS) {
    const x = normalise(f, a.config?.[f]);
    const y = normalise(f, b.config?.[f]);
    if (!isDeepStrictEqual(x, y)) out.push(`config ${f}: tsbuild=${show(f, x)} buildah=${show(f, y)}`);
  }
  const [x, y] = [normalise('author', a.author), normalise('author', b.author)];
  if (x !== y) out.push(`config author: tsbuild=${show('author', x)} buildah=${show('author', y)}`);
  return out;
}
