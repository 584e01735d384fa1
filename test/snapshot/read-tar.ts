/** Test reader: parses a tar with tar-stream (an independent implementation) into plain records. */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { extract } from 'tar-stream';

export interface TarRecord {
  readonly name: string;
  readonly type: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly mtime: number;
  readonly linkname: string | null;
  readonly uname: string;
  readonly gname: string;
  readonly devmajor: number;
  readonly devminor: number;
  readonly pax: Record<string, string> | null;
  readonly sha256: string;
  readonly content: string;
}

/** Every entry of the tar, with a digest (and, for small entries, the text) of its content. */
export async function readTar(stream: Readable | Buffer): Promise<TarRecord[]> {
  const ex = extract();
  if (Buffer.isBuffer(stream)) ex.end(stream);
  else stream.pipe(ex);
  const records: TarRecord[] = [];
  for await (const entry of ex) {
    const h = entry.header;
    const hash = createHash('sha256');
    const chunks: Buffer[] = [];
    let length = 0;
    for await (const chunk of entry as AsyncIterable<Buffer>) {
      hash.update(chunk);
      length += chunk.length;
      if (length <= 4096) chunks.push(chunk);
    }
    records.push({
      name: h.name,
      type: h.type ?? 'file',
      mode: h.mode ?? 0,
      uid: h.uid ?? 0,
      gid: h.gid ?? 0,
      size: h.size ?? 0,
      mtime: h.mtime === undefined ? 0 : h.mtime.getTime() / 1000,
      linkname: h.linkname ?? null,
      uname: h.uname ?? '',
      gname: h.gname ?? '',
      devmajor: h.devmajor ?? 0,
      devminor: h.devminor ?? 0,
      pax: (h.pax as Record<string, string> | undefined) ?? null,
      sha256: hash.digest('hex'),
      content: length <= 4096 ? Buffer.concat(chunks).toString('utf8') : '',
    });
  }
  return records;
}

/** The whole stream as one buffer (test-sized tars only). */
export async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
