/** Test helpers for fs/: layer tars built with tar-stream, copy sources walked with lstat. */
import { lstatSync, readdirSync } from 'node:fs';
import type { CopySourceEntry } from '../../src/fs/index.js';
import { join, posix } from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import type { Header } from 'tar-stream';
import type { CopySource } from '../../src/fs/index.js';

/** One tar entry: header fields plus optional content and PAX records. */
export type TarSpec = Partial<Omit<Header, 'pax'>> & {
  readonly name: string;
  readonly content?: string | Buffer;
  readonly pax?: Record<string, string>;
};

/** An uncompressed tar stream of `entries`, in order. Files default to mode 0644, dirs 0755. */
export async function layerTar(entries: readonly TarSpec[]): Promise<Readable> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (chunk: unknown) => {
    chunks.push(chunk as Buffer);
  });
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', () => resolve());
    pack.on('error', reject);
  });
  for (const { content, ...header } of entries) {
    const type = header.type ?? 'file';
    const mode = header.mode ?? (type === 'directory' ? 0o755 : 0o644);
    const body = content === undefined ? undefined : Buffer.from(content);
    await new Promise<void>((resolve, reject) => {
      const full = { mtime: new Date(1_600_000_000_000), ...header, type, mode };
      const cb = (error?: Error | null): void => (error ? reject(error) : resolve());
      if (body === undefined) pack.entry(full, cb).end(undefined);
      else pack.entry(full, body, cb);
    });
  }
  pack.finalize();
  await done;
  return Readable.from([Buffer.concat(chunks)]);
}

/** A CopySource for `name` under `base`, walked like context/ does (lstat, parents first). */
export function copySourceOf(base: string, name: string): CopySource {
  const hostPath = join(base, name);
  const entries: CopySourceEntry[] = [];
  const walk = (rel: string, path: string): void => {
    const stats = lstatSync(path);
    entries.push({ rel, hostPath: path, stats });
    if (!stats.isDirectory()) return;
    for (const child of readdirSync(path).sort()) walk(rel === '' ? child : posix.join(rel, child), join(path, child));
  };
  walk('', hostPath);
  return { name, hostPath, isDir: lstatSync(hostPath).isDirectory(), entries };
}

/** Every path under `dir` (relative, sorted) with its type, for before/after comparisons. */
export function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const child of readdirSync(join(dir, rel)).sort()) {
      const childRel = rel === '' ? child : `${rel}/${child}`;
      const stats = lstatSync(join(dir, childRel));
      const kind = stats.isDirectory() ? 'd' : stats.isSymbolicLink() ? 'l' : 'f';
      out.push(`${kind} ${childRel} ${(stats.mode & 0o7777).toString(8)} ${stats.size}`);
      if (stats.isDirectory()) walk(childRel);
    }
  };
  walk('');
  return out;
}
