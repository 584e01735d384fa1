/**
 * `/etc/passwd` and `/etc/group` of a rootfs (never the host's), read through resolveInRoot so a
 * symlinked `/etc` stays inside the root. A missing file reads as empty, as runc treats it.
 */
import { readFile } from 'node:fs/promises';
import { resolveInRoot } from './resolve-in-root.js';

/** One line of passwd(5). */
export interface PasswdEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
  readonly shell: string;
}

/** One line of group(5). */
export interface GroupEntry {
  readonly name: string;
  readonly gid: number;
  readonly members: readonly string[];
}

/** Parses passwd(5) text; blank, comment and malformed lines are skipped. */
export function parsePasswd(text: string): PasswdEntry[] {
  const entries: PasswdEntry[] = [];
  for (const fields of records(text)) {
    const [name, , uid, gid, , home, shell] = fields;
    const uidNumber = parseId(uid);
    const gidNumber = parseId(gid);
    if (name === undefined || name === '' || uidNumber === undefined || gidNumber === undefined) continue;
    entries.push({ name, uid: uidNumber, gid: gidNumber, home: home ?? '', shell: shell ?? '' });
  }
  return entries;
}

/** Parses group(5) text; blank, comment and malformed lines are skipped. */
export function parseGroup(text: string): GroupEntry[] {
  const entries: GroupEntry[] = [];
  for (const fields of records(text)) {
    const [name, , gid, members] = fields;
    const gidNumber = parseId(gid);
    if (name === undefined || name === '' || gidNumber === undefined) continue;
    const list = (members ?? '').split(',').map((m) => m.trim()).filter((m) => m !== '');
    entries.push({ name, gid: gidNumber, members: list });
  }
  return entries;
}

/** The rootfs's `/etc/passwd`. */
export async function readPasswd(root: string): Promise<PasswdEntry[]> {
  return parsePasswd(await readRootFile(root, '/etc/passwd'));
}

/** The rootfs's `/etc/group`. */
export async function readGroup(root: string): Promise<GroupEntry[]> {
  return parseGroup(await readRootFile(root, '/etc/group'));
}

/** A decimal id in runc's accepted range (0 … 2^31-1), or undefined. */
export function parseId(text: string | undefined): number | undefined {
  if (text === undefined || !/^[0-9]+$/.test(text)) return undefined;
  const value = Number(text);
  return value <= 0x7fffffff ? value : undefined;
}

function* records(text: string): Generator<string[]> {
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    yield line.split(':');
  }
}

async function readRootFile(root: string, containerPath: string): Promise<string> {
  try {
    return await readFile(await resolveInRoot(root, containerPath), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return '';
    throw error;
  }
}
