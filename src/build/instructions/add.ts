/**
 * ADD: COPY's rules for local files and directories (`--exclude` included), plus its own. A
 * local file that is a tar archive (recognised by content: plain, gzip, bzip2, xz or zstd) is
 * extracted into the destination directory, merging with what is there, owners from the archive
 * unless --chown; `--unpack=false` copies it as is. An http(s) URL is downloaded (mode 0600
 * unless --chmod, Last-Modified as mtime), verified against `--checksum`, and copied, extracted
 * only with `--unpack=true`. A git URL is cloned at the ref it names and its tree copied like a
 * local directory, never extracted (add-git; `--checksum` is then a commit prefix). Heredoc
 * sources become 0644 files, never extracted. Sources are applied in order, so a later one wins
 * where they overlap. `--link` writes them into an empty tree laid over the rootfs (copy-link).
 */
import { posix } from 'node:path';
import { archiveCompression, isGitSource, isUrlSource, openDecompressed, resolveCopySources, type Compression } from '../../context/index.js';
import type { AddInstruction } from '../../dockerfile/index.js';
import { copyIntoRoot, extractArchive, resolveChown, type CopySource } from '../../fs/index.js';
import { TsbuildError } from '../../oci/index.js';
import { checksumOnLocalSource, parseChecksum, verifyChecksum } from '../add-checksum.js';
import { gitCopySource } from '../add-git.js';
import { heredocSources } from '../copy-heredocs.js';
import { writeMaybeLinked } from '../copy-link.js';
import { copySourceOptions } from '../copy-options.js';
import type { Handler, StepContext } from '../types.js';
import { parseChmod } from './chmod-flag.js';

type AddItem = { readonly kind: 'copy'; readonly source: CopySource } | { readonly kind: 'extract'; readonly source: CopySource; readonly compression: Compression };

async function item(source: CopySource, unpack: boolean): Promise<AddItem> {
  const compression = !unpack || source.isDir ? undefined : await archiveCompression(source.hostPath);
  return compression === undefined ? { kind: 'copy', source } : { kind: 'extract', source, compression };
}

async function addItems(ins: AddInstruction, step: StepContext): Promise<AddItem[]> {
  // A git source reads --checksum as a commit prefix; an http one as a digest, parsed once it is needed.
  const checksum = ins.flags.checksum === undefined ? undefined : step.expand(ins.flags.checksum);
  const options = copySourceOptions(ins, step);
  const items: AddItem[] = [];
  for (const src of ins.sources.map((s) => step.expand(s))) {
    if (isGitSource(src)) {
      items.push({ kind: 'copy', source: await gitCopySource(src, ins, step) });
      continue;
    }
    if (isUrlSource(src)) {
      const digest = checksum === undefined ? undefined : parseChecksum(checksum);
      const source = await step.remote.download(src);
      if (digest !== undefined) await verifyChecksum(source.hostPath, digest, src);
      // BuildKit never extracts a URL unless --unpack=true asks for it.
      items.push(await item(source, ins.flags.unpack === true));
      continue;
    }
    if (checksum !== undefined) throw checksumOnLocalSource(src);
    for (const source of await resolveCopySources(step.context, [src], options)) items.push(await item(source, ins.flags.unpack !== false));
  }
  for (const source of heredocSources(ins.heredocs, step)) items.push({ kind: 'copy', source });
  return items;
}

export const add: Handler<'ADD'> = async (ins, step) => {
  const root = await step.rootfs();
  const dest = step.expand(ins.dest);
  const items = await addItems(ins, step);
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
  const write = async (target: string) => {
    const paths = new Set<string>();
    let batch: CopySource[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const options = { workdir, ...(chown ? { chown } : {}), ...(chmod === undefined ? {} : { chmod }) };
      for (const p of await copyIntoRoot(target, batch, dest, options)) paths.add(p);
      batch = [];
    };
    for (const item of items) {
      if (item.kind === 'copy') {
        batch.push(item.source);
        continue;
      }
      await flush();
      const tar = openDecompressed(item.source.hostPath, item.compression);
      const written = await extractArchive(target, posix.resolve(workdir, dest), tar, { canMknod: true, ...(chown ? { chown } : {}) });
      for (const p of written) paths.add(p);
    }
    await flush();
    return [...paths];
  };
  const paths = await writeMaybeLinked(root, ins.flags.link === true, step, write);
  return { kind: 'files', config: step.config, paths: paths.sort() };
};
