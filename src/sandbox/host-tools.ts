/**
 * The host binaries the chroot strategy runs. They are looked up once, in the standard system
 * directories (never through the caller's PATH), and then run by absolute path.
 */
import { access, constants } from 'node:fs/promises';
import { join } from 'node:path';
import { TsbuildError } from '../oci/index.js';

/** Absolute paths of the tools, by name. */
export interface HostTools {
  readonly unshare: string;
  readonly setpriv: string;
  readonly perl: string;
  /** Run by the mount script through SYSTEM_DIRS; located here so a missing one fails early. */
  readonly mount: string;
  readonly sh: string;
  readonly touch: string;
  /** The degraded strategy's device nodes. */
  readonly mknod: string;
}

const PACKAGES: Readonly<Record<keyof HostTools, string>> = {
  unshare: 'util-linux',
  setpriv: 'util-linux',
  perl: 'perl-base',
  mount: 'mount',
  sh: 'dash',
  touch: 'coreutils',
  mknod: 'coreutils',
};

/** Where the tools are looked for, in order; also the PATH the sandbox's own scripts run with. */
export const SYSTEM_DIRS: readonly string[] = ['/usr/sbin', '/usr/bin', '/sbin', '/bin'];

async function locate(name: string): Promise<string | undefined> {
  for (const dir of SYSTEM_DIRS) {
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory; try the next one.
    }
  }
  return undefined;
}

/** Finds every tool, or fails naming each missing one with its Debian package. */
export async function locateHostTools(): Promise<HostTools> {
  const names = Object.keys(PACKAGES) as (keyof HostTools)[];
  const found = await Promise.all(names.map(locate));
  const missing = names.filter((_, i) => found[i] === undefined);
  if (missing.length > 0) {
    const list = missing.map((n) => `${n} (Debian package "${PACKAGES[n]}")`).join(', ');
    throw new TsbuildError('TSB_SANDBOX', `the sandbox needs host tools that are missing: ${list}`);
  }
  return Object.fromEntries(names.map((n, i) => [n, found[i]!])) as unknown as HostTools;
}

/** A tool that only some strategies use (newuidmap), or undefined when it is not installed. */
export function locateOptionalTool(name: string): Promise<string | undefined> {
  return locate(name);
}
