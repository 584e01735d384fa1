/**
 * The digest of what a COPY/ADD reads, for its cache key: BuildKit's content checksum in spirit.
 * Per source, in the order the instruction names them (a later source overwrites an earlier one):
 * its matched name and whether it is a directory; per entry, in walk order (sorted, parents
 * first, as context/ hands them over): the relative path, the type, the permission bits, and
 *   - for a file: size and the sha256 of its content (streamed, a bounded pool of files at a time),
 *     or, for a file hardlinked to one copied earlier in the same instruction, that entry's place
 *     (the copier recreates the hardlink, so the layer differs);
 *   - for a symlink: its target.
 * Plus the instruction's `dest`, `--chown` spec and `--chmod`, as given.
 *
 * Left out on purpose:
 *   - mtimes: BuildKit's tarsum v1 header selection drops `mtime`, so a fresh `git clone` (every
 *     file new) still hits. The cached layer then carries the mtimes of the build that wrote it;
 *     under `--reproducible` they are clamped in both, so the bytes agree whenever the clamp is
 *     not after the files' mtimes.
 *   - the sources' uid/gid: COPY writes 0:0 or the `--chown` ids (fs/copy-entry), never the
 *     source's owner, so a checkout owned by another uid in another pod still hits.
 *   - xattrs: the copier does not copy them.
 *   - ignored files: context/ has already dropped them from `entries`.
 */
import { createReadStream } from 'node:fs';
import { readlink } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { CopySource, CopySourceEntry } from '../fs/index.js';
import { digestFromHash, TsbuildError, type Digest } from '../oci/index.js';
import { mapBounded } from './bounded.js';

/** The instruction's own settings that change what its sources become. */
export interface SourceDigestOptions {
  readonly dest: string;
  readonly chown?: string;
  readonly chmod?: string;
  /** Files hashed at once (default 8). */
  readonly concurrency?: number;
}

type Part =
  | { readonly kind: 'text'; readonly record: unknown[] }
  | { readonly kind: 'file'; readonly record: unknown[]; readonly hostPath: string };

function typeOf(entry: CopySourceEntry): string {
  const { stats } = entry;
  if (stats.isDirectory()) return 'dir';
  if (stats.isFile()) return 'file';
  if (stats.isSymbolicLink()) return 'symlink';
  return 'other';
}

/** Lists the records in order, with the files whose content must be hashed marked as such. */
async function describe(sources: readonly CopySource[]): Promise<Part[]> {
  const parts: Part[] = [];
  const firstOfInode = new Map<string, [number, string]>();
  for (const [i, source] of sources.entries()) {
    parts.push({ kind: 'text', record: ['source', i, source.name, source.isDir] });
    for (const entry of source.entries) {
      const type = typeOf(entry);
      const base = ['entry', entry.rel, type, entry.stats.mode & 0o7777];
      if (type === 'symlink') {
        parts.push({ kind: 'text', record: [...base, await readlink(entry.hostPath)] });
      } else if (type === 'file') {
        const inode = `${entry.stats.dev}:${entry.stats.ino}`;
        const first = entry.stats.nlink > 1 ? firstOfInode.get(inode) : undefined;
        if (first !== undefined) parts.push({ kind: 'text', record: [...base, 'hardlink', ...first] });
        else parts.push({ kind: 'file', record: [...base, entry.stats.size], hostPath: entry.hostPath });
        if (entry.stats.nlink > 1 && first === undefined) firstOfInode.set(inode, [i, entry.rel]);
      } else {
        parts.push({ kind: 'text', record: base });
      }
    }
  }
  return parts;
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    await pipeline(createReadStream(path), hash);
  } catch (err) {
    throw new TsbuildError('TSB_COPY_SOURCE', `cannot read ${path} to compute its cache key`, { cause: err });
  }
  return hash.digest('hex');
}

/** The digest of `sources` as one COPY/ADD with `options` would copy them. */
export async function sourceDigest(sources: readonly CopySource[], options: SourceDigestOptions): Promise<Digest> {
  const parts = await describe(sources);
  const files = parts.flatMap((p) => (p.kind === 'file' ? [p.hostPath] : []));
  const contents = await mapBounded(files, options.concurrency ?? 8, hashFile);
  const hash = createHash('sha256');
  hash.update(`${JSON.stringify(['copy', options.dest, options.chown ?? null, options.chmod ?? null])}\n`);
  let file = 0;
  for (const part of parts) {
    const record = part.kind === 'file' ? [...part.record, contents[file++]] : part.record;
    // One JSON array per line: JSON escapes newlines inside strings, so lines cannot run together.
    hash.update(`${JSON.stringify(record)}\n`);
  }
  return digestFromHash(hash);
}
