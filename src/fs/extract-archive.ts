/**
 * ADD's archive extraction (BuildKit's `applyRootArchive`): a tar is unpacked into a directory of
 * the rootfs and merged with what is there. Unlike a layer, it has no whiteouts (`.wh.` names are
 * ordinary files) and it is contained in its destination: entry names, hardlink targets and
 * symlinks met on the way all resolve inside the destination directory, never above it. Owners
 * come from the archive unless `--chown` gives one for everything; modes and mtimes are kept.
 */
import { lstatSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { TsbuildError } from '../oci/index.js';
import { xattrAwareExtract } from './raw-pax.js';
import { applyEntry } from './apply-entry.js';
import { finishDirectories } from './apply-layer.js';
import { entryContainerPath } from './entry-path.js';
import { ensureDirInRoot, type DirOwner } from './ensure-dir.js';
import { LayerState } from './layer-state.js';
import { containerPathOf } from './resolve-in-root.js';

/** How an archive is extracted. */
export interface ExtractArchiveOptions {
  /** `--chown`: every entry (and every directory created for the destination) gets these ids. */
  readonly chown?: DirOwner;
  readonly canMknod: boolean;
}

/**
 * Extracts `tarStream` (uncompressed) into the container directory `dest` of `root`, creating it
 * (0755, --chown owner) when missing. Returns the container paths written, the created
 * destination directories included.
 */
export async function extractArchive(root: string, dest: string, tarStream: Readable, options: ExtractArchiveOptions): Promise<string[]> {
  const ensured = ensureDirInRoot(root, dest, options.chown);
  if (!lstatSync(ensured.host).isDirectory()) {
    throw new TsbuildError('TSB_COPY_SOURCE', `cannot extract an archive to ${dest}: it is not a directory`);
  }
  const state = new LayerState(ensured.host, true, options.canMknod, options.chown);
  const { extract, rawXattrs } = xattrAwareExtract();
  state.rawXattrs = rawXattrs;
  const feeding = pipeline(tarStream, extract);
  feeding.catch(() => undefined); // the iterator below reports the same failure
  try {
    for await (const entry of extract) {
      const { name, type } = entry.header;
      const path = entryContainerPath(name, state.root);
      if (type !== 'file' && type !== 'contiguous-file') entry.resume();
      if (path === '/') {
        entry.resume();
        continue;
      }
      state.entries += 1;
      await applyEntry(state, join(state.parentDir(posix.dirname(path)), posix.basename(path)), entry, name);
    }
    await feeding;
  } catch (error) {
    if (error instanceof TsbuildError) throw error;
    throw new TsbuildError('TSB_COPY_SOURCE', `extracting an archive to ${dest}: ${(error as Error).message}`, { cause: error });
  }
  finishDirectories(state);
  const written = [...ensured.created, ...state.writtenPaths()];
  return written.map((host) => containerPathOf(root, host));
}
