/**
 * `sharing=locked` across builds, even builds in other processes sharing the cache directory (a
 * Kubernetes volume): a lock file created exclusively, naming its owner (host, pid and the
 * process's start time, so that a pid reused after a container restart is not taken for the
 * owner), removed on release. A lock whose owner on this host is gone is taken over; others are
 * waited for, and the wait is reported once, naming the file, since a lock left by a killed pod
 * of another host can only be removed by hand.
 */
import { open, readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

const POLL_MS = 100;

/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot. */
async function startTime(pid: number | 'self'): Promise<string | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  // The command name (field 2) may hold spaces; the fields after it are plain.
  return stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

async function owner(): Promise<string> {
  return `${hostname()} ${process.pid} ${(await startTime('self')) ?? '?'}`;
}

async function stale(file: string): Promise<boolean> {
  const [host, pid, started] = (await readFile(file, 'utf8').catch(() => '')).split(' ');
  if (host !== hostname() || pid === undefined || !/^\d+$/.test(pid)) return false;
  return (await startTime(Number(pid))) !== started;
}

/** Called once when a taker starts waiting, with the lock file and its holder. */
export type LockWait = (file: string, holder: string) => void;

/** Takes the lock `file` (waiting unless `wait` is false); the release function, or undefined when busy. */
export async function takeCacheLock(file: string, wait: boolean, onWait?: LockWait): Promise<(() => Promise<void>) | undefined> {
  let reported = false;
  for (;;) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(await owner());
      await handle.close();
      return () => rm(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (await stale(file)) await rm(file, { force: true });
    else if (!wait) return undefined;
    else {
      if (!reported) onWait?.(file, await readFile(file, 'utf8').catch(() => '?'));
      reported = true;
      await sleep(POLL_MS);
    }
  }
}
