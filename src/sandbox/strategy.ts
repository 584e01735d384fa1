/**
 * Which isolation strategies this process may use, in the order `auto` tries them, decided from
 * its uid and capabilities alone (pure, so the choice is tested on plain data). Each candidate
 * is then tried for real by the probe: a capability says a mount may be allowed, but seccomp,
 * AppArmor or a sysctl can still refuse it.
 */
import { hasCapability, type Capability } from './capabilities.js';
import type { IsolationMode } from './types.js';

/** A strategy's name (the modes without `auto`). */
export type StrategyName = Exclude<IsolationMode, 'auto'>;

/** What the choice is made from. */
export interface ProcessFacts {
  readonly uid: number;
  /** The effective capability set. */
  readonly effective: bigint;
  /**
   * uid 0 here is an unprivileged id of the parent namespace: tsbuild re-executed itself for a
   * non-root user (cli/rootless.ts), or runs in a Kubernetes user namespace.
   */
  readonly unprivilegedRoot?: boolean;
}

/** The strategies to try, in order, and why each of the others is out. */
export interface StrategyPlan {
  readonly candidates: readonly StrategyName[];
  /** One line per strategy left out, e.g. `userns: needs CAP_SETUID`. */
  readonly excluded: readonly string[];
}

/** Mounts and namespaces (sys_admin), chroot, id changes, the bounding set, loopback. */
const NEEDS: Readonly<Record<StrategyName, readonly Capability[]>> = {
  chroot: ['sys_admin', 'sys_chroot', 'setuid', 'setgid', 'setpcap', 'net_admin'],
  // Writing a child's uid_map and gid_map from outside; inside, the new namespace has every cap.
  userns: ['setuid', 'setgid'],
  rootless: [],
  degraded: ['sys_chroot'],
};

const ORDER: readonly StrategyName[] = ['chroot', 'userns', 'rootless', 'degraded'];

function reasonAgainst(name: StrategyName, facts: ProcessFacts): string | undefined {
  const root = facts.uid === 0;
  if (name === 'rootless' && root) return 'for non-root users (running as root)';
  if (name !== 'rootless' && !root) return `needs root (running as uid ${facts.uid})`;
  const missing = NEEDS[name].filter((cap) => !hasCapability(facts.effective, cap));
  return missing.length === 0 ? undefined : `needs ${missing.map((c) => `CAP_${c.toUpperCase()}`).join(', ')}`;
}

/**
 * The strategies a mode names. In a rootless user namespace the namespace already is what
 * `rootless` asks for (the caller's subordinate ids, no privilege outside), so there it means
 * the namespace strategies run inside it.
 */
function namesOf(mode: IsolationMode, facts: ProcessFacts): readonly StrategyName[] {
  if (mode === 'auto') return ORDER;
  if (mode === 'rootless' && facts.uid === 0 && facts.unprivilegedRoot === true) return ['chroot', 'userns'];
  return [mode];
}

/** The candidates for `mode`: every usable strategy in order for `auto`, else just that one. */
export function planStrategies(facts: ProcessFacts, mode: IsolationMode): StrategyPlan {
  const names = namesOf(mode, facts);
  const candidates: StrategyName[] = [];
  const excluded: string[] = [];
  for (const name of names) {
    const reason = reasonAgainst(name, facts);
    if (reason === undefined) candidates.push(name);
    else excluded.push(`${name}: ${reason}`);
  }
  return { candidates, excluded };
}

/** What RUN lacks under the degraded strategy, for the warning; `facts` says what it keeps. */
export function degradedLacks(facts: ProcessFacts): string[] {
  const lacks = [
    '/proc and /sys (commands that read them fail)',
    'a private /etc/resolv.conf and /etc/hosts (the image’s own files are used)',
    'a pid namespace (leftover processes are killed by process group; one that calls setsid survives the RUN)',
    'RUN --network=none',
  ];
  if (!hasCapability(facts.effective, 'mknod')) lacks.unshift('device nodes in /dev (no CAP_MKNOD: /dev/null and friends are missing)');
  if (!hasCapability(facts.effective, 'setuid') || !hasCapability(facts.effective, 'setgid')) {
    lacks.push('USER other than root (no CAP_SETUID/CAP_SETGID)');
  }
  return lacks;
}
