/**
 * The mount points the sandbox needs in the rootfs. Those the rootfs lacks are created before the
 * command and removed after it (when the namespace, and so every mount, is gone), and their
 * parents' mtimes are put back to the nanosecond, so a snapshot sees nothing of them.
 *
 * Nothing here follows a symlink: each path is lstat'ed, a missing one is created with
 * O_EXCL / mkdir (neither follows a final symlink), and one that is a symlink or of the wrong
 * type is refused, or, for resolv.conf and hosts, left to the command as the image made it.
 */
import { lstat, mkdir, rmdir, unlink, writeFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { dirname, join } from 'node:path';
import type { Logger } from '../log/index.js';
import { TsbuildError } from '../oci/index.js';

const run = promisify(execFile);

/** A path the sandbox needs in the rootfs; a device is made with mknod (major, minor). */
export interface MountPoint {
  readonly path: string;
  readonly kind: 'dir' | 'file' | 'device';
  readonly device?: readonly [number, number];
}

/** What the namespace strategies mount over. */
export const MOUNT_POINTS: readonly MountPoint[] = [
  { path: '/dev', kind: 'dir' },
  { path: '/proc', kind: 'dir' },
  { path: '/sys', kind: 'dir' },
  { path: '/etc', kind: 'dir' },
  { path: '/etc/resolv.conf', kind: 'file' },
  { path: '/etc/hosts', kind: 'file' },
];

/** The mount points of one RUN; `restore` undoes what was created. */
export interface MountPoints {
  /** Container paths whose files may be bind-mounted over (a symlink there is left alone). */
  readonly bindable: ReadonlySet<string>;
  restore(): Promise<void>;
}

async function mtimeNs(path: string): Promise<bigint | undefined> {
  try {
    return (await lstat(path, { bigint: true })).mtimeNs;
  } catch {
    return undefined;
  }
}

/** `touch -d @S.N` keeps nanoseconds, which `utimes()` (a double) cannot. */
function touchDate(ns: bigint): string {
  const abs = ns < 0n ? -ns : ns;
  return `@${ns < 0n ? '-' : ''}${abs / 1_000_000_000n}.${String(abs % 1_000_000_000n).padStart(9, '0')}`;
}

function sandboxError(message: string, cause?: unknown): TsbuildError {
  return new TsbuildError('TSB_SANDBOX', message, cause === undefined ? {} : { cause });
}

/** The degraded strategy's /dev: device nodes it creates with CAP_MKNOD, as runc would. */
export const DEVICE_NODES: readonly MountPoint[] = [
  { path: '/dev', kind: 'dir' },
  ...(
    [
      ['null', 1, 3],
      ['zero', 1, 5],
      ['full', 1, 7],
      ['random', 1, 8],
      ['urandom', 1, 9],
      ['tty', 5, 0],
    ] as const
  ).map(([name, major, minor]): MountPoint => ({ path: `/dev/${name}`, kind: 'device', device: [major, minor] })),
];

/** The host tools that create and restore: `touch` for mtimes, `mknod` for devices. */
export interface PointTools {
  readonly touch: string;
  readonly mknod: string;
}

/** Creates the missing `points` under `root`; on failure, removes what it created. */
export async function prepareMountPoints(root: string, logger: Logger, tools: PointTools, points: readonly MountPoint[] = MOUNT_POINTS): Promise<MountPoints> {
  const touch = tools.touch;
  const created: Created[] = [];
  const parents = new Map<string, ParentTimes>();
  const bindable = new Set<string>();
  try {
    for (const point of points) {
      if (await ensureMountPoint(root, point, tools.mknod, created, parents, logger)) bindable.add(point.path);
    }
    for (const [parent, times] of parents) times.prepared = (await mtimeNs(parent))!;
  } catch (error) {
    await undo(created, parents, logger, touch);
    throw error;
  }
  return { bindable, restore: () => undo(created, parents, logger, touch) };
}

interface Created {
  readonly host: string;
  readonly kind: MountPoint['kind'];
}

interface ParentTimes {
  readonly before: bigint;
  prepared?: bigint;
}

/** Makes one mount point exist; true when a file there may be bind-mounted over. */
async function ensureMountPoint(
  root: string,
  { path, kind, device }: MountPoint,
  mknod: string,
  created: Created[],
  parents: Map<string, ParentTimes>,
  logger: Logger,
): Promise<boolean> {
  const host = join(root, path);
  const st = await lstat(host).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw sandboxError(`cannot inspect ${path} in the rootfs: ${error.message}`, error);
  });
  if (st === undefined) {
    const parent = dirname(host);
    if (!parents.has(parent)) parents.set(parent, { before: (await mtimeNs(parent))! });
    if (kind === 'dir') await mkdir(host, { mode: 0o755 });
    else if (kind === 'file') await writeFile(host, '', { flag: 'wx', mode: 0o644 });
    else {
      await run(mknod, ['-m', '666', '--', host, 'c', String(device![0]), String(device![1])]).catch((error: Error) => {
        throw sandboxError(`cannot create the device node ${path} in the rootfs: ${error.message}`, error);
      });
    }
    created.push({ host, kind });
    return kind === 'file';
  }
  if (kind === 'device' && st.isCharacterDevice()) return false;
  if (kind === 'dir' ? st.isDirectory() : st.isFile()) return kind === 'file';
  if (kind === 'file' && st.isSymbolicLink()) {
    logger.warn({ path }, `${path} in the rootfs is a symlink: RUN sees the file it points to, not the build host's`);
    return false;
  }
  if (kind === 'device') {
    logger.warn({ path }, `${path} in the rootfs is not a device: RUN sees what the image put there`);
    return false;
  }
  throw sandboxError(`${path} in the rootfs is not a ${kind === 'dir' ? 'directory' : 'regular file'}: the sandbox cannot mount over it`);
}

/** Removes what was created and puts parent mtimes back; a parent the command changed keeps its mtime. */
async function undo(created: readonly Created[], parents: ReadonlyMap<string, ParentTimes>, logger: Logger, touch: string): Promise<void> {
  const during = new Map<string, bigint | undefined>();
  for (const parent of parents.keys()) during.set(parent, await mtimeNs(parent));
  for (const { host, kind } of [...created].reverse()) {
    try {
      if (kind === 'dir') await rmdir(host);
      else await unlink(host);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') continue;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') {
        logger.warn({ path: host }, 'RUN wrote into a directory the sandbox created; it stays in the rootfs');
        continue;
      }
      throw sandboxError(`cannot remove the sandbox's mount point ${host}: ${(error as Error).message}`, error);
    }
  }
  for (const [parent, { before, prepared }] of parents) {
    const seen = during.get(parent);
    if (seen === undefined) continue;
    // Unprepared (a failure midway): nothing ran, so the original time is the right one.
    const target = prepared === undefined || seen === prepared ? before : seen;
    const now = await mtimeNs(parent);
    // A parent that is gone was itself one of ours (/etc for /etc/hosts).
    if (now === undefined || now === target) continue;
    await run(touch, ['-h', '-m', '-d', touchDate(target), '--', parent]);
  }
}
