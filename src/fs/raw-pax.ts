/**
 * Extended attribute values exactly as the tar holds them. tar-stream (3.2.2) decodes every PAX
 * record as UTF-8, so a binary value such as `security.capability` (bytes ≥ 0x80) arrives as
 * U+FFFD and is lost. tar-stream keeps no raw copy and exports no hook, so the extractor made
 * here wraps its one PAX decoding step on the instance: after tar-stream decodes a PAX header,
 * the same bytes are parsed again here and the raw `SCHILY.xattr.*` values are remembered,
 * keyed by the PAX object that tar-stream then attaches to the entry's header. If tar-stream
 * ever changes that internal step, creating an extractor fails loudly instead of corrupting
 * attributes.
 */
import tar from 'tar-stream';
import { InternalError } from '../oci/index.js';

const XATTR_PREFIX = 'SCHILY.xattr.';

/** Raw xattr values by the PAX record object tar-stream puts on `header.pax`. */
export type RawXattrs = WeakMap<object, ReadonlyMap<string, Buffer>>;

interface ExtractInternals {
  _header: { type?: string } | null;
  _pax: Record<string, string> | null;
  _decodeLongHeader?: (buf: Buffer) => void;
}

/** A tar-stream extractor plus the raw xattrs of the entries it yields. */
export function xattrAwareExtract(): { extract: tar.Extract; rawXattrs: RawXattrs } {
  const extract = tar.extract();
  const rawXattrs: RawXattrs = new WeakMap();
  const internals = extract as unknown as ExtractInternals;
  const decode = internals._decodeLongHeader;
  if (typeof decode !== 'function') {
    throw new InternalError('tar-stream changed its PAX decoding; extended attributes cannot be read faithfully');
  }
  internals._decodeLongHeader = function (this: ExtractInternals, buf: Buffer): void {
    decode.call(this, buf);
    if (this._header?.type !== 'pax-header' || this._pax === null) return;
    const xattrs = new Map<string, Buffer>();
    for (const [key, value] of paxRecords(buf)) if (key.startsWith(XATTR_PREFIX)) xattrs.set(key.slice(XATTR_PREFIX.length), value);
    if (xattrs.size > 0) rawXattrs.set(this._pax, xattrs);
  };
  return { extract, rawXattrs };
}

/** PAX records `<len> <key>=<value>\n` with values as bytes; stops at the first malformed one. */
export function paxRecords(buf: Buffer): [string, Buffer][] {
  const records: [string, Buffer][] = [];
  let rest = buf;
  while (rest.length > 0) {
    const space = rest.indexOf(0x20);
    const length = space > 0 ? Number(rest.subarray(0, space).toString('latin1')) : NaN;
    if (!Number.isSafeInteger(length) || length <= space + 1 || length > rest.length) break;
    const record = rest.subarray(space + 1, length - 1); // without the trailing newline
    const eq = record.indexOf(0x3d);
    if (eq < 0) break;
    records.push([record.subarray(0, eq).toString('utf8'), Buffer.from(record.subarray(eq + 1))]);
    rest = rest.subarray(length);
  }
  return records;
}
