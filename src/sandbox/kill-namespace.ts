/**
 * Killing a running sandbox. SIGKILL to the pid namespace's init (the command, a child of the
 * reaper that unshare became) makes the kernel kill every process in the namespace; a
 * parent-death signal could not do it, since the kernel clears that when the command's ids
 * change. The init is found by its parent pid, since /proc/<pid>/task/<pid>/children is not always
 * built into the kernel.
 */
import { readdirSync, readFileSync } from 'node:fs';

function childrenOf(pid: number): number[] {
  const result: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so parse after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) result.push(Number(name));
    } catch {
      // The process exited while we looked.
    }
  }
  return result;
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** SIGKILLs the namespace init under the sandbox process `pid`, then that process. */
export function killNamespace(pid: number): void {
  for (const child of childrenOf(pid)) killQuietly(child);
  killQuietly(pid);
}
