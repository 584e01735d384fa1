/**
 * The caller's subordinate id ranges from /etc/subuid and /etc/subgid (shadow's format:
 * `name-or-uid:start:count` per line), which newuidmap and newgidmap will let it map.
 */
import { readFile } from 'node:fs/promises';

/** `count` ids from `start`. */
export interface SubordinateRange {
  readonly start: number;
  readonly count: number;
}

/** The ranges of the lines naming `user` or `id`, in file order (none when the file is absent). */
export function parseSubordinateIds(text: string, user: string | undefined, id: number): SubordinateRange[] {
  const ranges: SubordinateRange[] = [];
  for (const line of text.split('\n')) {
    const [owner, start, count] = line.trim().split(':');
    if (owner === undefined || start === undefined || count === undefined) continue;
    if (owner !== user && owner !== String(id)) continue;
    const range = { start: Number(start), count: Number(count) };
    if (Number.isSafeInteger(range.start) && Number.isSafeInteger(range.count) && range.count > 0) ranges.push(range);
  }
  return ranges;
}

/** Reads and parses one of the files; a missing file means no ranges. */
export async function readSubordinateIds(path: string, user: string | undefined, id: number): Promise<SubordinateRange[]> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  return parseSubordinateIds(text, user, id);
}
