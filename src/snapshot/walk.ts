/**
 * The synchronous lstat walk (MEASURED.md: `readdirSync` + `lstatSync` is 3–20× faster than any
 * async walk). `walkTree` is shipped to a worker thread as source text (`scan-worker.ts`), so it
 * must stay self-contained: no imports, no references to anything outside its own body; the
 * modules it needs are parameters.
 *
 * It does not stop at mount points: by the time a scan runs, the sandbox's mounts have gone with
 * its mount namespace, so a rootfs holds one filesystem (and hardlink detection keys on `ino`).
 */
import type * as NodeFs from 'node:fs';

/** The walk's output in columns, so the worker can transfer it instead of cloning objects. */
export interface WalkColumns {
  readonly paths: string[];
  readonly linkTargets: (string | null)[];
  /** Per path: mode, uid, gid, size, nlink, rdev. */
  readonly numbers: Float64Array;
  /** Per path: ino. */
  readonly inodes: BigUint64Array;
  /** Per path: mtimeNs, ctimeNs. */
  readonly times: BigInt64Array;
}

/** Numeric fields per path in `WalkColumns.numbers`. */
export const NUMBER_FIELDS = 6;

/** What to walk: container paths, normalised. */
export interface WalkRequest {
  /** Recorded with their subtrees; `/` means the whole tree (the root itself is not recorded). */
  readonly starts: readonly string[];
  /** Recorded alone, without their subtrees. */
  readonly single: readonly string[];
  /** Never recorded, nor anything below them. */
  readonly exclude: readonly string[];
}

/**
 * Records what `request` asks for. A path that does not exist is skipped. Symlinks are recorded,
 * never followed.
 */
export function walkTree(fs: typeof NodeFs, root: string, request: WalkRequest): WalkColumns {
  const skip = new Set(request.exclude);
  const paths: string[] = [];
  const linkTargets: (string | null)[] = [];
  const numbers: number[] = [];
  const inodes: bigint[] = [];
  const times: bigint[] = [];
  const S_IFMT = 0o170000;
  const S_IFDIR = 0o040000;
  const S_IFLNK = 0o120000;

  const record = (path: string, host: string, st: NodeFs.BigIntStats): boolean => {
    const mode = Number(st.mode);
    paths.push(path);
    linkTargets.push((mode & S_IFMT) === S_IFLNK ? fs.readlinkSync(host) : null);
    numbers.push(mode, Number(st.uid), Number(st.gid), Number(st.size), Number(st.nlink), Number(st.rdev));
    inodes.push(st.ino);
    times.push(st.mtimeNs, st.ctimeNs);
    return (mode & S_IFMT) === S_IFDIR;
  };

  const lstat = (host: string): NodeFs.BigIntStats | undefined => {
    try {
      return fs.lstatSync(host, { bigint: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  };

  const stack: string[] = [];
  for (const path of request.single) {
    const st = lstat(root + path);
    if (st !== undefined) record(path, root + path, st);
  }
  for (const start of request.starts) {
    if (skip.has(start)) continue;
    if (start === '/') {
      stack.push('');
      continue;
    }
    const st = lstat(root + start);
    if (st !== undefined && record(start, root + start, st)) stack.push(start);
  }

  while (stack.length > 0) {
    const dir = stack.pop() as string;
    for (const dirent of fs.readdirSync(root + (dir === '' ? '/' : dir), { withFileTypes: true })) {
      const path = `${dir}/${dirent.name}`;
      if (skip.has(path)) continue;
      const st = lstat(root + path);
      if (st === undefined) {
        // Nothing runs in the rootfs during a scan, so a name readdir just returned that lstat
        // cannot find is one Node could not round-trip: a file name that is not valid UTF-8.
        throw new Error(`cannot scan ${JSON.stringify(path)}: listed but not found (a file name that is not valid UTF-8?)`);
      }
      if (record(path, root + path, st)) stack.push(path);
    }
  }

  return {
    paths,
    linkTargets,
    numbers: Float64Array.from(numbers),
    inodes: BigUint64Array.from(inodes),
    times: BigInt64Array.from(times),
  };
}
