/**
 * ADD: COPY's rules for local files and directories, plus two of its own. A local file that is a
 * tar archive (recognised by content: plain, gzip, bzip2, xz or zstd) is extracted into the
 * destination directory, merging with what is there, owners from the archive unless --chown.
 * An http(s) URL is downloaded (mode 0600 unless --chmod, Last-Modified as mtime) and copied,
 * never extracted. Sources are applied in order, so a later one wins where they overlap.
 */
import { posix } from 'node:path';
import { archiveCompression, downloadUrlSource, isUrlSource, openDecompressed, resolveCopySources, type Compression } from '../../context/index.js';
import { copyIntoRoot, extractArchive, resolveChown, type CopySource } from '../../fs/index.js';
import { TsbuildError } from '../../oci/index.js';
import type { Handler, StepContext } from '../types.js';
import { parseChmod } from './chmod-flag.js';

type AddItem = { readonly kind: 'copy'; readonly source: CopySource } | { readonly kind: 'extract'; readonly source: CopySource; readonly compression: Compression };

async function addItems(raw: readonly string[], step: StepContext): Promise<AddItem[]> {
  const items: AddItem[] = [];
  for (const src of raw) {
    if (isUrlSource(src)) {
      items.push({ kind: 'copy', source: await downloadUrlSource(src, step.scratchDir) });
      continue;
    }
    for (const source of await resolveCopySources(step.context, [src])) {
      const compression = source.isDir ? undefined : await archiveCompression(source.hostPath);
      items.push(compression === undefined ? { kind: 'copy', source } : { kind: 'extract', source, compression });
    }
  }
  return items;
}

export const add: Handler<'ADD'> = async (ins, step) => {
  const root = await step.rootfs();
  const dest = step.expand(ins.dest);
  const items = await addItems(ins.sources.map((s) => step.expand(s)), step);
  const chown = ins.flags.chown === undefined ? undefined : await resolveChown(root, step.expand(ins.flags.chown));
  const chmod = ins.flags.chmod === undefined ? undefined : parseChmod(step.expand(ins.flags.chmod), ins.loc);
  const destIsDir = dest === '' || dest === '.' || dest.endsWith('/');
  if (items.length > 1 && !destIsDir) {
    throw new TsbuildError(
      'TSB_COPY_SOURCE',
      `when using ADD with more than one source file, the destination must be a directory and end with a / (got ${JSON.stringify(dest)})`,
    );
  }
  const workdir = step.config.WorkingDir || '/';
  const paths = new Set<string>();
  let batch: CopySource[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const options = { workdir, ...(chown ? { chown } : {}), ...(chmod === undefined ? {} : { chmod }) };
    for (const p of await copyIntoRoot(root, batch, dest, options)) paths.add(p);
    batch = [];
  };
  for (const item of items) {
    if (item.kind === 'copy') {
      batch.push(item.source);
      continue;
    }
    await flush();
    const tar = openDecompressed(item.source.hostPath, item.compression);
    const written = await extractArchive(root, posix.resolve(workdir, dest), tar, { canMknod: true, ...(chown ? { chown } : {}) });
    for (const p of written) paths.add(p);
  }
  await flush();
  return { kind: 'files', config: step.config, paths: [...paths].sort() };
};
