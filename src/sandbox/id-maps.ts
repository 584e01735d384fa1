/**
 * The uid and gid maps of the sandbox's user namespace, written by the parent (tsbuild) once
 * the child has unshared and before it goes on: a process that execs in a new user namespace
 * keeps its capabilities there only if its uid is mapped to 0 by then.
 *
 * - root in an unprivileged container (CAP_SETUID/CAP_SETGID): the identity of every id this
 *   process sees (`0 0 4294967295` on a host, `0 0 65536` in a Kubernetes user namespace), so
 *   files keep their real owners and `chown` to any id works.
 * - not root: the caller's subordinate ids through newuidmap/newgidmap when /etc/subuid and
 *   /etc/subgid list some, else only the caller's own uid and gid, seen as 0.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { TsbuildError } from '../oci/index.js';
import type { SubordinateRange } from './subordinate-ids.js';

const run = promisify(execFile);

/** One `inside outside count` line of a map. */
export interface IdRange {
  readonly inside: number;
  readonly outside: number;
  readonly count: number;
}

/** How a user namespace gets its maps, and which ids end up usable inside. */
export interface IdMapper {
  /** For the probe's debug log. */
  readonly description: string;
  /** Whether setgroups() works inside (false when the maps had to deny it). */
  readonly canSetGroups: boolean;
  /** Whether `id` (a uid or gid inside) is mapped. */
  covers(id: number, kind: 'uid' | 'gid'): boolean;
  /** Writes the maps of the user namespace of process `pid`. */
  apply(pid: number): Promise<void>;
}

function parseMap(text: string): IdRange[] {
  return text
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number))
    .filter((f) => f.length === 3 && f.every(Number.isInteger))
    .map(([inside, outside, count]) => ({ inside: inside!, outside: outside!, count: count! }));
}

function formatMap(ranges: readonly IdRange[]): string {
  return ranges.map((r) => `${r.inside} ${r.outside} ${r.count}\n`).join('');
}

function within(ranges: readonly IdRange[], id: number): boolean {
  return ranges.some((r) => id >= r.inside && id < r.inside + r.count);
}

function mapError(pid: number, error: unknown): TsbuildError {
  const detail = ((error as { stderr?: string }).stderr ?? '').trim() || (error as Error).message;
  return new TsbuildError('TSB_SANDBOX', `cannot write the id maps of the sandbox's user namespace (pid ${pid}): ${detail}`, { cause: error });
}

/** The identity of every id this process sees, from its own /proc/self/{uid,gid}_map. */
export async function identityMapper(procSelf = '/proc/self'): Promise<IdMapper> {
  const uids = parseMap(await readFile(`${procSelf}/uid_map`, 'utf8')).map((r) => ({ inside: r.inside, outside: r.inside, count: r.count }));
  const gids = parseMap(await readFile(`${procSelf}/gid_map`, 'utf8')).map((r) => ({ inside: r.inside, outside: r.inside, count: r.count }));
  return {
    description: `identity: uid ${formatMap(uids).trim()}; gid ${formatMap(gids).trim()}`,
    canSetGroups: true,
    covers: (id, kind) => within(kind === 'uid' ? uids : gids, id),
    async apply(pid) {
      try {
        // Each map must be one write(2); writeFile of a short string is.
        await writeFile(`/proc/${pid}/uid_map`, formatMap(uids));
        await writeFile(`/proc/${pid}/gid_map`, formatMap(gids));
      } catch (error) {
        throw mapError(pid, error);
      }
    },
  };
}

/** Whether uid 0 here is uid 0 of the parent namespace (false in a rootless user namespace). */
export async function rootIsParentRoot(procSelf = '/proc/self'): Promise<boolean> {
  return parseMap(await readFile(`${procSelf}/uid_map`, 'utf8')).some((r) => r.inside === 0 && r.outside === 0);
}

/** Inside ids 1… laid over the subordinate ranges, after the caller's own id at 0. */
function rootlessRanges(own: number, subordinate: readonly SubordinateRange[]): IdRange[] {
  const ranges: IdRange[] = [{ inside: 0, outside: own, count: 1 }];
  let next = 1;
  for (const r of subordinate) {
    ranges.push({ inside: next, outside: r.start, count: r.count });
    next += r.count;
  }
  return ranges;
}

/** The tools and ranges a rootless mapping uses; the helpers are absent when not installed. */
export interface RootlessIds {
  readonly uid: number;
  readonly gid: number;
  readonly subuids: readonly SubordinateRange[];
  readonly subgids: readonly SubordinateRange[];
  readonly newuidmap?: string;
  readonly newgidmap?: string;
}

/** Subordinate ids through the setuid helpers when there are some, else the caller's ids alone. */
export function rootlessMapper(ids: RootlessIds): IdMapper {
  const helpers = ids.newuidmap !== undefined && ids.newgidmap !== undefined;
  if (helpers && ids.subuids.length > 0 && ids.subgids.length > 0) {
    const uids = rootlessRanges(ids.uid, ids.subuids);
    const gids = rootlessRanges(ids.gid, ids.subgids);
    const args = (pid: number, ranges: IdRange[]) => [String(pid), ...ranges.flatMap((r) => [String(r.inside), String(r.outside), String(r.count)])];
    return {
      description: `subordinate ids via newuidmap/newgidmap: uid ${formatMap(uids).trim()}; gid ${formatMap(gids).trim()}`,
      canSetGroups: true,
      covers: (id, kind) => within(kind === 'uid' ? uids : gids, id),
      async apply(pid) {
        try {
          await run(ids.newuidmap!, args(pid, uids));
          await run(ids.newgidmap!, args(pid, gids));
        } catch (error) {
          throw mapError(pid, error);
        }
      },
    };
  }
  return {
    description: `only the caller's ids (uid ${ids.uid}, gid ${ids.gid}) as 0: ${helpers ? 'no subordinate ids in /etc/subuid and /etc/subgid' : 'newuidmap/newgidmap (Debian package "uidmap") not installed'}`,
    canSetGroups: false,
    covers: (id) => id === 0,
    async apply(pid) {
      try {
        // An unprivileged writer may map only its own ids, and only once setgroups is denied.
        await writeFile(`/proc/${pid}/setgroups`, 'deny');
        await writeFile(`/proc/${pid}/uid_map`, `0 ${ids.uid} 1\n`);
        await writeFile(`/proc/${pid}/gid_map`, `0 ${ids.gid} 1\n`);
      } catch (error) {
        throw mapError(pid, error);
      }
    },
  };
}
