/**
 * The fields of one `RUN --mount` value, read as BuildKit's `parseMount` reads them (Dockerfile
 * frontend 1.20): CSV fields, keys case-insensitive, `type` first wins over later keys' checks
 * (so `required,type=secret` is an error there too), values expanded one by one, and the
 * same messages. Defaults per type are applied afterwards, in `run-mount.ts`.
 */
import { csvFields } from './csv-fields.js';
import { parseGoBool } from './go-bool.js';
import { ramInBytes } from './ram-bytes.js';
import { didYouMean } from './suggest.js';

/** The mount types Docker knows. */
export const MOUNT_TYPES = ['bind', 'cache', 'tmpfs', 'secret', 'ssh'] as const;
/** A mount type. */
export type MountType = (typeof MOUNT_TYPES)[number];
/** How concurrent builds share a cache mount. */
export type MountSharing = 'shared' | 'private' | 'locked';

/** BuildKit's `instructions.Mount`, before defaults. */
export interface MountFields {
  type: MountType;
  from?: string;
  source?: string;
  target?: string;
  readonly: boolean;
  /** Whether ro/rw was given; if not, only cache and tmpfs are writable. */
  readonlySet: boolean;
  sizeBytes?: number;
  id?: string;
  sharing?: string;
  required: boolean;
  env?: string;
  mode?: number;
  uid?: number;
  gid?: number;
}

const ALL_KEYS = [
  'type', 'from', 'source', 'target', 'readonly', 'id', 'sharing', 'required', 'size', 'mode', 'uid', 'gid',
  'src', 'dst', 'destination', 'ro', 'rw', 'readwrite', 'env',
];

/** A field problem (or, with `unsupported`, a mount tsbuild cannot provide); the caller adds the place. */
export class MountFieldError extends Error {
  constructor(
    message: string,
    readonly unsupported = false,
  ) {
    super(message);
  }
}

function fail(message: string): never {
  throw new MountFieldError(message);
}

function isMountType(v: string): v is MountType {
  return (MOUNT_TYPES as readonly string[]).includes(v);
}

function boolOf(key: string, value: string): boolean {
  return parseGoBool(value) ?? fail(`invalid value for ${key}: ${value}`);
}

function uintOf(key: string, value: string, base: 8 | 10): number {
  const digits = base === 8 ? /^[0-7]+$/ : /^\d+$/;
  const n = digits.test(value) ? Number.parseInt(value, base) : Number.NaN;
  if (!Number.isSafeInteger(n) || n > 0xffffffff) fail(`invalid value ${value} for ${key}`);
  return n;
}

function bareField(m: MountFields, field: string, key: string): void {
  if (key === 'ro' || key === 'readonly' || key === 'rw' || key === 'readwrite') {
    m.readonly = key === 'ro' || key === 'readonly';
    m.readonlySet = true;
  } else if (key === 'required') {
    if (m.type !== 'secret' && m.type !== 'ssh') fail(`unexpected key '${key}' for mount type '${m.type}'`);
    m.required = true;
  } else fail(`invalid field '${field}' must be a key=value pair`);
}

function keyField(m: MountFields, field: string, key: string, value: string): void {
  switch (key) {
    case 'type': {
      const type = value.toLowerCase();
      if (!isMountType(type)) fail(`unsupported mount type "${value}"${didYouMean(type, MOUNT_TYPES)}`);
      m.type = type;
      return;
    }
    case 'from': m.from = value; return;
    case 'source': case 'src': m.source = value; return;
    case 'target': case 'dst': case 'destination': m.target = value; return;
    case 'ro': case 'readonly': m.readonly = boolOf(key, value); m.readonlySet = true; return;
    case 'rw': case 'readwrite': m.readonly = !boolOf(key, value); m.readonlySet = true; return;
    case 'required':
      if (m.type !== 'secret' && m.type !== 'ssh') fail(`unexpected key '${key}' for mount type '${m.type}'`);
      m.required = boolOf(key, value);
      return;
    case 'size': {
      if (m.type !== 'tmpfs') fail(`unexpected key '${key}' for mount type '${m.type}'`);
      m.sizeBytes = ramInBytes(value) ?? fail(`invalid value for ${key}: ${value}`);
      return;
    }
    case 'id': m.id = value; return;
    case 'sharing':
      if (m.type !== 'cache') fail(`invalid cache sharing set for ${m.type} mount`);
      m.sharing = value.toLowerCase();
      return;
    case 'mode': m.mode = uintOf('mode', value, 8); return;
    case 'uid': m.uid = uintOf('uid', value, 10); return;
    case 'gid': m.gid = uintOf('gid', value, 10); return;
    case 'env': m.env = value; return;
    default:
      fail(`unexpected key '${key}' in '${field}'${didYouMean(key, ALL_KEYS)}`);
  }
}

/** Reads the fields of `raw`, expanding each value with `expandWord` first. */
export function readMountFields(raw: string, expandWord: (word: string) => string): MountFields {
  const csv = csvFields(raw);
  if ('error' in csv) fail(`failed to parse csv mounts: ${csv.error}`);
  const m: MountFields = { type: 'bind', readonly: false, readonlySet: false, required: false };
  for (const field of csv.fields) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    if (eq < 0) bareField(m, field, key);
    else keyField(m, field, key, expandWord(field.slice(eq + 1)));
  }
  return m;
}
