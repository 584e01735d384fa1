/**
 * The RUN's own mounts (`RunSpec.mounts`), planned before the namespace is made: each target is
 * resolved inside the rootfs as a chroot would see it (so a symlink such as /var/run → /run
 * leads where the command will look, and never out of the root), and its missing directories
 * become mount points that `mount-points.ts` creates and removes. Targets under /dev live in the
 * sandbox's own /dev tmpfs and are made there by the mount script, leaving the rootfs alone.
 */
import { stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { containerPathOf, resolveInRoot } from '../fs/index.js';
import { TsbuildError } from '../oci/index.js';
import type { MountPoint } from './mount-points.js';
import type { RunMount } from './types.js';

/** What the mount script needs and what must exist first. */
export interface PlannedMounts {
  readonly points: readonly MountPoint[];
  /** `count`, then per mount: kind, host source, container target, option, what to make. */
  readonly args: readonly string[];
}

/** Paths the sandbox itself provides or that a mount must not hide. */
const FORBIDDEN = ['/', '/dev', '/proc', '/sys', '/etc/resolv.conf', '/etc/hosts'];

function mountError(message: string, cause?: unknown): TsbuildError {
  return new TsbuildError('TSB_SANDBOX', message, cause === undefined ? {} : { cause });
}

function under(path: string, dir: string): boolean {
  return path === dir || path.startsWith(`${dir}/`);
}

async function sourceKind(mount: RunMount): Promise<'dir' | 'file'> {
  if (mount.kind === 'tmpfs') return 'dir';
  const st = await stat(mount.source).catch((error: Error) => {
    throw mountError(`RUN mount source ${mount.source} cannot be used: ${error.message}`, error);
  });
  return st.isDirectory() ? 'dir' : 'file';
}

/** Resolves a target in the rootfs; under /dev it stays as written (the tmpfs has no symlinks of the image). */
async function resolveTarget(root: string, target: string): Promise<string> {
  if (!target.startsWith('/')) throw mountError(`RUN mount target ${JSON.stringify(target)} is not an absolute path`);
  const clean = posix.normalize(target).replace(/(.)\/+$/, '$1');
  if (under(clean, '/dev')) return clean;
  return containerPathOf(root, await resolveInRoot(root, clean));
}

/** The chain of mount points a target needs: each missing ancestor a directory, then the target. */
function chain(target: string, kind: 'dir' | 'file'): MountPoint[] {
  const parts = target.split('/').filter((p) => p !== '');
  return parts.map((_, i) => ({ path: `/${parts.slice(0, i + 1).join('/')}`, kind: i === parts.length - 1 ? kind : 'dir' }));
}

/** Plans `mounts` for `root`. */
export async function planUserMounts(root: string, mounts: readonly RunMount[]): Promise<PlannedMounts> {
  const points: MountPoint[] = [];
  const args: string[] = [String(mounts.length)];
  const targets: string[] = [];
  for (const mount of mounts) {
    const target = await resolveTarget(root, mount.target);
    if (FORBIDDEN.includes(target) || under(target, '/proc') || under(target, '/sys')) {
      throw mountError(`RUN mount target ${mount.target} is a path the sandbox provides itself`);
    }
    // A mount point inside another mount would have to be made in that mount's source.
    const clash = targets.find((t) => under(target, t) || under(t, target));
    if (clash !== undefined) throw mountError(`RUN mount targets ${clash} and ${target} overlap, which tsbuild does not support`);
    targets.push(target);
    const kind = await sourceKind(mount);
    const inDev = under(target, '/dev');
    if (!inDev) points.push(...chain(target, kind));
    const option = mount.kind === 'bind' ? (mount.readonly ? 'ro' : 'rw') : String(mount.sizeBytes ?? '');
    args.push(mount.kind, mount.kind === 'bind' ? mount.source : '', target, option, inDev ? kind : '');
  }
  return { points, args };
}

/** The mount script's loop over `planUserMounts`'s args; `$root` is set, the args follow. */
export const USER_MOUNTS_SCRIPT = `n=$1; shift
while [ "$n" -gt 0 ]; do
  kind=$1 src=$2 dst=$3 opt=$4 make=$5; shift 5; n=$((n - 1))
  case $make in
    dir) mkdir -p "$root$dst" ;;
    file) mkdir -p "$root\${dst%/*}"; : > "$root$dst" ;;
  esac
  if [ "$kind" = tmpfs ]; then
    mount -n -t tmpfs -o "nosuid\${opt:+,size=$opt}" tmpfs "$root$dst"
  else
    mount -n --bind "$src" "$root$dst"
    if [ "$opt" = ro ]; then mount -n -o remount,bind,ro "$root$dst"; fi
  fi
done
`;
