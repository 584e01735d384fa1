/**
 * The re-executed tsbuild inside the user namespace. Its rootfs trees hold files of subordinate
 * ids, which the user cannot delete from outside the namespace, so whatever ends this process
 * early must remove them from inside first: SIGINT, SIGTERM and SIGHUP (which the launcher
 * forwards), and the launcher's death, seen as the end of the lifeline (fd 3, a socket whose
 * other end only the launcher holds; no signal can tell, since the launcher may die by SIGKILL).
 * Processes started by the build (sandboxes, and the commands in their pid namespaces) are
 * killed before the removal, so that nothing writes into a tree while it goes.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { constants } from 'node:os';

/** The fd the launcher passes the lifeline on. */
export const LIFELINE_FD = 3;

/** The signals the launcher forwards and the child cleans up after. */
export const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** `pid`'s descendants, from every process's parent pid in /proc. */
function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // "pid (comm) state ppid …": comm may hold spaces and parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // Exited while we looked.
    }
  }
  const found: number[] = [];
  for (let queue = [pid]; queue.length > 0; ) {
    const next = queue.flatMap((p) => children.get(p) ?? []);
    found.push(...next);
    queue = next;
  }
  return found;
}

/** SIGKILLs every descendant, again while a fork raced the scan (a killed process forks no more). */
function killDescendants(proc: NodeJS.Process): void {
  for (let round = 0; round < 10; round += 1) {
    const found = descendantsOf(proc.pid);
    if (found.length === 0) return;
    for (const p of found) {
      try {
        proc.kill(p, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
}

/** Directories to remove if the child is interrupted, registered as they are created. */
export class InterruptCleanup {
  private readonly dirs = new Set<string>();
  private interrupted = false;

  constructor(private readonly proc: NodeJS.Process) {}

  /** Registers `dir` and returns it. */
  add(dir: string): string {
    this.dirs.add(dir);
    return dir;
  }

  /** Installs the signal handlers and watches the lifeline (when the launcher passed one). */
  install(): void {
    for (const signal of FORWARDED_SIGNALS) this.proc.on(signal, () => this.interrupt(signal));
    let lifeline: Socket;
    try {
      lifeline = new Socket({ fd: LIFELINE_FD, readable: true, writable: false });
    } catch {
      return; // Started with the marker by hand, without the launcher's fd: nothing to watch.
    }
    lifeline.on('error', () => this.interrupt('SIGHUP'));
    lifeline.on('end', () => this.interrupt('SIGHUP'));
    lifeline.resume();
    lifeline.unref();
  }

  /** Kills the build's processes, removes the directories and exits as killed by `signal`. */
  private interrupt(signal: NodeJS.Signals): void {
    if (this.interrupted) return;
    this.interrupted = true;
    killDescendants(this.proc);
    let left = '';
    for (const dir of this.dirs) {
      try {
        rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
      } catch (error) {
        left += `; could not remove ${dir}: ${(error as Error).message}`;
      }
    }
    this.proc.stderr.write(`tsbuild: interrupted by ${signal}${left}\n`);
    this.proc.exit(128 + constants.signals[signal]);
  }
}
