/**
 * The layer tar of a change set, read from the rootfs as it is now. Deterministic: entries in
 * plan order, headers from `tar-header.ts`, whiteouts with zero metadata (as containerd writes
 * them), mtimes clamped on request. Small files are read synchronously and batched (MEASURED.md:
 * per-file async overhead dominates packing); files of 1 MiB and more are streamed. The stream
 * is pulled, so a slow consumer holds the reads back.
 * Extended attributes (`security.capability`, `user.*`, ACLs) are read for every entry in one
 * batched `getfattr` pass before the first byte is written, and carried as PAX records.
 */
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { hostPath } from './container-path.js';
import { planLayer } from './layer-plan.js';
import { readXattrs, type XattrTable } from '../fs/index.js';
import { lstatEntry, readLink, readSmallFile, streamFile } from './read-entry.js';
import { BLOCK, encodeHeader, padding, type TarHeader, type TarType } from './tar-header.js';
import { entryTypeOf, type ChangeSet } from './types.js';

/** Options of `layerTar`. */
export interface LayerTarOptions {
  /** Epoch seconds: every entry's mtime becomes min(mtime, clampMtime) (SOURCE_DATE_EPOCH). */
  readonly clampMtime?: number;
}

const SYNC_READ_LIMIT = 1024 * 1024;
const BATCH_BYTES = 256 * 1024;
const NS_PER_S = 1_000_000_000n;

/** A deterministic uncompressed tar of `changes` under `root`; a fresh stream per call. */
export function layerTar(root: string, changes: ChangeSet, opts: LayerTarOptions = {}): Readable {
  return Readable.from(tarChunks(resolve(root), changes, opts), { objectMode: false });
}

function seconds(ns: bigint): number {
  const s = ns / NS_PER_S;
  return Number(ns < 0n && s * NS_PER_S !== ns ? s - 1n : s);
}

function device(rdev: bigint): { devmajor: number; devminor: number } {
  return {
    devmajor: Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn)),
    devminor: Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn)),
  };
}

const TAR_TYPES: Readonly<Record<string, TarType>> = { file: 'file', dir: 'dir', symlink: 'symlink', char: 'char', block: 'block', fifo: 'fifo' };

const NO_EXTRAS = { uid: 0, gid: 0, size: 0, linkname: '', devmajor: 0, devminor: 0 };

/**
 * The header of one planned path as it is on disk now, or null for a socket (a tar cannot hold
 * one; Docker's archive code skips them too). A later name of an inode already written is a
 * hardlink entry; `firstNames` remembers the first name of each multiply-linked inode.
 */
function headerFor(root: string, path: string, clamp: (s: number) => number, firstNames: Map<bigint, string>, xattrs: XattrTable): TarHeader | null {
  const rel = path.slice(1);
  const host = hostPath(root, path);
  const st = lstatEntry(host, path);
  const type = TAR_TYPES[entryTypeOf(Number(st.mode))];
  if (type === undefined) return null;
  const common = {
    ...NO_EXTRAS,
    mode: Number(st.mode) & 0o7777,
    uid: Number(st.uid),
    gid: Number(st.gid),
    mtime: clamp(seconds(st.mtimeNs)),
  };
  if (type !== 'dir' && st.nlink > 1n) {
    const first = firstNames.get(st.ino);
    if (first !== undefined) return { ...common, name: rel, type: 'link', linkname: first };
    firstNames.set(st.ino, rel);
  }
  return {
    ...common,
    name: type === 'dir' ? `${rel}/` : rel,
    type,
    size: type === 'file' ? Number(st.size) : 0,
    linkname: type === 'symlink' ? readLink(host, path) : '',
    ...(type === 'char' || type === 'block' ? device(st.rdev) : {}),
    ...(xattrs.has(host) ? { xattrs: sortedXattrs(xattrs.get(host)!) } : {}),
  };
}

/** Attributes in name order, so the PAX records (and the layer digest) are deterministic. */
function sortedXattrs(attrs: ReadonlyMap<string, Buffer>): Map<string, Buffer> {
  return new Map([...attrs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

async function* tarChunks(root: string, changes: ChangeSet, opts: LayerTarOptions): AsyncGenerator<Buffer> {
  const plan = planLayer(changes);
  const xattrs = await readXattrs(plan.paths.filter((p) => !plan.whiteouts.has(p)).map((p) => hostPath(root, p)));
  const clamp = (mtime: number) => (opts.clampMtime === undefined ? mtime : Math.min(mtime, opts.clampMtime));
  const firstNames = new Map<bigint, string>();
  let batch: Buffer[] = [];
  let batched = 0;
  const add = (buf: Buffer) => {
    batch.push(buf);
    batched += buf.length;
  };
  const flush = () => {
    const out = Buffer.concat(batch, batched);
    batch = [];
    batched = 0;
    return out;
  };
  for (const path of plan.paths) {
    const header = plan.whiteouts.has(path)
      ? { ...NO_EXTRAS, name: path.slice(1), type: 'file' as const, mode: 0, mtime: clamp(0) }
      : headerFor(root, path, clamp, firstNames, xattrs);
    if (header === null) continue;
    add(encodeHeader(header));
    if (header.type === 'file' && header.size > 0) {
      const host = hostPath(root, path);
      if (header.size < SYNC_READ_LIMIT) {
        add(readSmallFile(host, path, header.size));
      } else {
        yield flush();
        yield* streamFile(host, path, header.size);
      }
      add(padding(header.size));
    }
    if (batched >= BATCH_BYTES) yield flush();
  }
  add(Buffer.alloc(2 * BLOCK));
  yield flush();
}
