/**
 * Writing one tar entry at a host path already resolved inside the rootfs, with moby/containerd
 * archive semantics: an existing entry is replaced unless both are directories, symlinks are
 * never followed, hardlink targets are resolved in root, and metadata is applied in the order
 * lchown → xattrs → chmod (chown clears setuid/setgid) → mtime. Directory mode and mtime are
 * deferred to the layer's final pass, after their children are written.
 */
import { closeSync, linkSync, lstatSync, lutimesSync, chmodSync, mkdirSync, openSync, rmSync, symlinkSync, unlinkSync, writeSync } from 'node:fs';
import type { Extract, Header } from 'tar-stream';
import { TsbuildError } from '../oci/index.js';
import { lchownMapped } from './chown-mapped.js';
import { entryContainerPath } from './entry-path.js';
import type { LayerState } from './layer-state.js';
import { resolveInRootSync } from './resolve-in-root.js';
import { runToolChecked } from './run-tool.js';
import { applyXattrs } from './xattrs.js';

/** tar-stream's header, with the PAX records (decoded strings) it attaches. */
export interface EntryHeader extends Omit<Header, 'pax'> {
  readonly pax?: Readonly<Record<string, string>> | null;
}

/** One entry from tar-stream's extract: its header and a readable of its data. */
export type TarEntry = Extract extends AsyncIterable<infer E> ? E : never;

/** Creates the entry at `target` and applies its metadata. `name` is for messages. */
export async function applyEntry(state: LayerState, target: string, entry: TarEntry, name: string): Promise<void> {
  const header = entry.header as EntryHeader;
  switch (header.type) {
    case 'directory':
      if (replaceExisting(state, target, true) === 'absent') mkdirSync(target, 0o700);
      break;
    case 'file':
    case 'contiguous-file':
      replaceExisting(state, target, false);
      await writeFileData(state, target, entry);
      break;
    case 'symlink':
      replaceExisting(state, target, false);
      symlinkSync(header.linkname ?? '', target);
      break;
    case 'link': {
      const source = hardlinkSource(state, header, name);
      if (source === target) throw invalid(name, 'is a hardlink to itself');
      replaceExisting(state, target, false);
      linkSync(source, target);
      break;
    }
    case 'character-device':
    case 'block-device':
      if (!state.canMknod) {
        state.skippedDevices.push(name);
        return;
      }
      replaceExisting(state, target, false);
      await runToolChecked('mknod', ['--', target, header.type === 'block-device' ? 'b' : 'c', `${header.devmajor ?? 0}`, `${header.devminor ?? 0}`], 'coreutils');
      break;
    case 'fifo':
      replaceExisting(state, target, false);
      await runToolChecked('mkfifo', ['--', target], 'coreutils');
      break;
    default:
      throw invalid(name, `has an unsupported tar entry type ${String(header.type)}`);
  }
  state.markWritten(target);
  await applyMetadata(state, target, header);
}

async function applyMetadata(state: LayerState, target: string, header: EntryHeader): Promise<void> {
  if (state.canChown) lchownMapped(target, state.owner?.uid ?? header.uid ?? 0, state.owner?.gid ?? header.gid ?? 0, `layer entry ${JSON.stringify(header.name)}`);
  const xattrs = header.pax ? state.rawXattrs.get(header.pax) : undefined;
  if (xattrs !== undefined) state.unsupportedXattrs.push(...(await applyXattrs(target, xattrs)));
  const mode = (header.mode ?? 0) & 0o7777;
  const mtime = mtimeOf(header);
  if (header.type === 'directory') {
    state.dirs.set(target, { mode, mtime });
    return;
  }
  // Linux has no lchmod: a symlink's mode is fixed; a hardlink to a symlink is one too.
  const isLink = header.type === 'symlink' || (header.type === 'link' && lstatSync(target).isSymbolicLink());
  if (!isLink) chmodSync(target, mode);
  lutimesSync(target, mtime, mtime);
}

/** Seconds since the epoch, with the sub-second part from a PAX `mtime` record when present. */
function mtimeOf(header: EntryHeader): number {
  const pax = header.pax?.['mtime'];
  if (pax !== undefined && Number.isFinite(Number(pax))) return Number(pax);
  return header.mtime === undefined ? 0 : header.mtime.getTime() / 1000;
}

/** Clears the way for a new entry. Returns 'dir' when an existing directory is kept. */
function replaceExisting(state: LayerState, target: string, wantDir: boolean): 'absent' | 'dir' {
  let stats;
  try {
    stats = lstatSync(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw error;
  }
  if (stats.isDirectory()) {
    if (wantDir) return 'dir';
    rmSync(target, { recursive: true, force: true });
    state.dirs.delete(target);
  } else {
    unlinkSync(target);
  }
  return 'absent';
}

/** Streams the entry's bytes into a new file; O_EXCL so nothing planted there is followed. */
async function writeFileData(state: LayerState, target: string, entry: TarEntry): Promise<void> {
  const fd = openSync(target, 'wx', 0o600);
  try {
    for await (const chunk of entry) {
      const buffer = chunk as Buffer;
      for (let offset = 0; offset < buffer.length; ) offset += writeSync(fd, buffer, offset);
      state.bytes += buffer.length;
    }
  } finally {
    closeSync(fd);
  }
}

/** The host path a hardlink entry points at: inside root, its final component not followed. */
function hardlinkSource(state: LayerState, header: EntryHeader, name: string): string {
  const linkPath = entryContainerPath(header.linkname ?? '', state.root);
  const source = resolveInRootSync(state.root, linkPath, { followFinal: false });
  try {
    lstatSync(source);
  } catch (error) {
    throw invalid(name, `is a hardlink to ${JSON.stringify(header.linkname)}, which does not exist`, error);
  }
  return source;
}

function invalid(name: string, what: string, cause?: unknown): TsbuildError {
  return new TsbuildError('TSB_LAYER_INVALID', `layer entry ${JSON.stringify(name)} ${what}`, { cause });
}
