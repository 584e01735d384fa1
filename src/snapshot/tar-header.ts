/**
 * USTAR headers with PAX records only where USTAR cannot hold a value, as Go's archive/tar (and so
 * Docker and BuildKit) writes them. Written here rather than with tar-stream's packer, whose
 * header encoder (3.2.2) silently writes 777777 for a uid or gid above 262143, turns mode 0 into
 * 0644, omits the trailing `/` of directory names, and pushes header-only entries without
 * backpressure. Every field is a function of the entry alone: no uname/gname, atime or ctime.
 */
import { TsbuildError } from '../oci/index.js';

/** USTAR type flags tsbuild writes. */
export type TarType = 'file' | 'link' | 'symlink' | 'char' | 'block' | 'dir' | 'fifo';

/** One header's fields; `name` is already relative (no leading `/`, directories end in `/`). */
export interface TarHeader {
  readonly name: string;
  readonly type: TarType;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  /** Whole seconds since the epoch. */
  readonly mtime: number;
  readonly linkname: string;
  readonly devmajor: number;
  readonly devminor: number;
  /** Extended attributes, written as `SCHILY.xattr.<name>` PAX records with raw byte values. */
  readonly xattrs?: ReadonlyMap<string, Buffer>;
}

/** Size of a tar block. */
export const BLOCK = 512;

const TYPE_FLAGS: Readonly<Record<TarType, string>> = {
  file: '0',
  link: '1',
  symlink: '2',
  char: '3',
  block: '4',
  dir: '5',
  fifo: '6',
};

const isAscii = (s: string) => /^[\x01-\x7f]*$/.test(s);

/** Octal with a NUL terminator in a `width`-byte field, or null when it does not fit. */
function octal(value: number, width: number): string | null {
  if (!Number.isSafeInteger(value) || value < 0) return null;
  const digits = value.toString(8);
  return digits.length > width - 1 ? null : `${digits.padStart(width - 1, '0')}\0`;
}

/** Go's splitUSTARPath: a name over 100 bytes split at a `/` into prefix (≤155) and name (≤100). */
function splitName(name: string): { prefix: string; name: string } | null {
  if (!isAscii(name)) return null;
  if (name.length <= 100) return { prefix: '', name };
  let length = Math.min(name.length, 156);
  if (length === name.length && name.endsWith('/')) length--;
  const i = name.lastIndexOf('/', length - 1);
  const rest = name.length - i - 1;
  if (i <= 0 || rest > 100 || rest === 0 || i > 155) return null;
  return { prefix: name.slice(0, i), name: name.slice(i + 1) };
}

/** One PAX record: "<length> <key>=<value>\n", where length counts itself; values are bytes. */
function paxRecord(key: string, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`, 'utf8'), value, Buffer.from('\n')]);
  let length = body.length + String(body.length).length;
  if (String(length).length !== String(body.length).length) length = body.length + String(length).length;
  return Buffer.concat([Buffer.from(String(length), 'ascii'), body]);
}

function block(fields: {
  name: string;
  prefix: string;
  typeflag: string;
  mode: string;
  uid: string;
  gid: string;
  size: string;
  mtime: string;
  linkname: string;
  devmajor: string;
  devminor: string;
}): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(fields.name, 0, 100, 'utf8');
  b.write(fields.mode, 100, 8, 'ascii');
  b.write(fields.uid, 108, 8, 'ascii');
  b.write(fields.gid, 116, 8, 'ascii');
  b.write(fields.size, 124, 12, 'ascii');
  b.write(fields.mtime, 136, 12, 'ascii');
  b.write(' '.repeat(8), 148, 8, 'ascii');
  b.write(fields.typeflag, 156, 1, 'ascii');
  b.write(fields.linkname, 157, 100, 'utf8');
  b.write('ustar\u000000', 257, 8, 'ascii');
  b.write(fields.devmajor, 329, 8, 'ascii');
  b.write(fields.devminor, 337, 8, 'ascii');
  b.write(fields.prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return b;
}

/** Zero bytes that pad `size` up to a whole block. */
export function padding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

/** The header block(s) of one entry: a PAX extended header first when a value needs one. */
export function encodeHeader(h: TarHeader): Buffer {
  const pax: [string, Buffer][] = [];
  const text = (key: string, value: string) => pax.push([key, Buffer.from(value, 'utf8')]);
  const split = splitName(h.name);
  if (split === null) text('path', h.name);
  if (h.linkname !== '' && (h.linkname.length > 100 || !isAscii(h.linkname))) text('linkpath', h.linkname);
  for (const [name, value] of h.xattrs ?? []) pax.push([`SCHILY.xattr.${name}`, value]);
  const numeric = (key: string, value: number, width: number): string => {
    const encoded = octal(value, width);
    if (encoded !== null) return encoded;
    text(key, String(value));
    return octal(0, width)!;
  };
  const fields = {
    name: split?.name ?? asciiFallback(h.name, 100),
    prefix: split?.prefix ?? '',
    typeflag: TYPE_FLAGS[h.type],
    mode: octal(h.mode, 8)!,
    uid: numeric('uid', h.uid, 8),
    gid: numeric('gid', h.gid, 8),
    size: numeric('size', h.size, 12),
    mtime: numeric('mtime', h.mtime, 12),
    linkname: pax.some(([k]) => k === 'linkpath') ? asciiFallback(h.linkname, 100) : h.linkname,
    devmajor: device(h.devmajor, h.name),
    devminor: device(h.devminor, h.name),
  };
  const main = block(fields);
  if (pax.length === 0) return main;
  pax.sort(([a], [b]) => (a < b ? -1 : 1));
  const data = Buffer.concat(pax.map(([k, v]) => paxRecord(k, v)));
  const zero = octal(0, 8)!;
  const paxHeader = block({
    name: 'PaxHeader',
    prefix: '',
    typeflag: 'x',
    mode: octal(0o644, 8)!,
    uid: zero,
    gid: zero,
    size: octal(data.length, 12)!,
    mtime: octal(0, 12)!,
    linkname: '',
    devmajor: zero,
    devminor: zero,
  });
  return Buffer.concat([paxHeader, data, padding(data.length), main]);
}

/** What a reader without PAX support sees: the name's ASCII characters, cut to the field. */
function asciiFallback(name: string, width: number): string {
  return name.replace(/[^\x01-\x7f]/g, '_').slice(0, width);
}

function device(value: number, name: string): string {
  const encoded = octal(value, 8);
  if (encoded !== null) return encoded;
  throw new TsbuildError('TSB_LAYER_INVALID', `device number ${value} of ${JSON.stringify(name)} does not fit a tar header`);
}
