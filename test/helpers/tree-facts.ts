/**
 * The facts of an unpacked image tree that Docker semantics are about: per path its type, mode
 * (special bits included), owner, size, content hash, link target, hardlink group and
 * `security.capability`. Read with plain `lstat` and `getfattr`, never with tsbuild's own code,
 * so a test compares tsbuild's output with an independent reading.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';

/** What a path is. */
export type EntryType = 'file' | 'dir' | 'symlink' | 'char' | 'block' | 'fifo' | 'socket';

/** One path's facts; `path` is absolute in the container (`/etc/passwd`). */
export interface PathFacts {
  readonly path: string;
  readonly type: EntryType;
  /** `mode & 0o7777`, so setuid, setgid and sticky are included. */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** Bytes for files, target length for symlinks, 0 for directories (their size is the filesystem's). */
  readonly size: number;
  /** Hex sha256 of a file's content. */
  readonly sha256?: string;
  readonly target?: string;
  /** For a file with more than one link: the first path (sorted) of the inode's links. */
  readonly linkGroup?: string;
  /** Hex value of `security.capability`, when set. */
  readonly capability?: string;
}

function typeOf(st: Stats): EntryType {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isCharacterDevice()) return 'char';
  if (st.isBlockDevice()) return 'block';
  if (st.isFIFO()) return 'fifo';
  return 'socket';
}

/** `security.capability` of every path under `root` that has one, keyed by container path. */
function readCapabilities(root: string): Map<string, string> {
  // -P and -h: never follow symlinks (they may point anywhere on the host once unpacked, or nowhere).
  const out = execFileSync('getfattr', ['-R', '-P', '-h', '--absolute-names', '-m', '^security\\.capability$', '-e', 'hex', '-d', root], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const caps = new Map<string, string>();
  let current = '';
  for (const line of out.split('\n')) {
    if (line.startsWith('# file: ')) current = line.slice('# file: '.length).slice(root.length) || '/';
    const m = /^security\.capability=0x([0-9a-f]+)$/.exec(line);
    if (m) caps.set(current, m[1]!);
  }
  return caps;
}

/** Every path under `root` (the root itself excluded), sorted by path. */
export function readTreeFacts(root: string): Map<string, PathFacts> {
  const raw: { path: string; st: Stats }[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const name of readdirSync(dir).sort()) {
      const host = join(dir, name);
      const st = lstatSync(host);
      raw.push({ path: `${prefix}/${name}`, st });
      if (st.isDirectory()) walk(host, `${prefix}/${name}`);
    }
  };
  walk(root, '');
  const inodes = new Map<number, string>();
  for (const { path, st } of raw) if (st.isFile() && st.nlink > 1 && !inodes.has(st.ino)) inodes.set(st.ino, path);
  const caps = readCapabilities(root);
  const facts = new Map<string, PathFacts>();
  for (const { path, st } of raw) {
    const type = typeOf(st);
    const host = join(root, path);
    const target = type === 'symlink' ? readlinkSync(host) : undefined;
    const group = type === 'file' && st.nlink > 1 ? inodes.get(st.ino) : undefined;
    const cap = caps.get(path);
    facts.set(path, {
      path,
      type,
      mode: st.mode & 0o7777,
      uid: st.uid,
      gid: st.gid,
      size: type === 'dir' ? 0 : st.size,
      ...(type === 'file' ? { sha256: createHash('sha256').update(readFileSync(host)).digest('hex') } : {}),
      ...(target === undefined ? {} : { target }),
      ...(group === undefined ? {} : { linkGroup: group }),
      ...(cap === undefined ? {} : { capability: cap }),
    });
  }
  return facts;
}
