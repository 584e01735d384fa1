/**
 * Choosing the isolation once at start-up from what this process may do. Only the chroot
 * strategy exists yet; without what it needs the probe fails saying what is missing.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Logger } from '../log/index.js';
import { TsbuildError } from '../oci/index.js';
import { DOCKER_DEFAULT_CAPABILITIES, hasCapability, readCapabilities, type Capability } from './capabilities.js';
import { ChrootIsolation } from './chroot-isolation.js';
import { locateHostTools, SYSTEM_DIRS } from './host-tools.js';
import { probeArgs } from './sandbox-script.js';
import type { Isolation } from './types.js';

const run = promisify(execFile);

/** Namespaces and mounts (sys_admin), chroot, id changes, the bounding set, loopback. */
const CHROOT_NEEDS: readonly Capability[] = ['sys_admin', 'sys_chroot', 'setuid', 'setgid', 'setpcap', 'net_admin'];

/** Probes the process and returns the isolation RUN commands will use. */
export async function probeIsolation(logger: Logger): Promise<Isolation> {
  const uid = process.getuid?.() ?? -1;
  const caps = await readCapabilities();
  const missing = CHROOT_NEEDS.filter((cap) => !hasCapability(caps.effective, cap));
  if (uid !== 0 || missing.length > 0) {
    const lacks = [...(uid === 0 ? [] : [`root (running as uid ${uid})`]), ...missing.map((c) => `CAP_${c.toUpperCase()}`)];
    throw new TsbuildError(
      'TSB_SANDBOX',
      `cannot run RUN commands: the chroot sandbox needs ${lacks.join(', ')}; ` +
        'user-namespace and rootless isolation are not implemented yet',
    );
  }
  const tools = await locateHostTools();
  try {
    await run(tools.unshare, probeArgs(tools), { env: { PATH: SYSTEM_DIRS.join(':') } });
  } catch (error) {
    const detail = ((error as { stderr?: string }).stderr ?? '').trim() || (error as Error).message;
    throw new TsbuildError('TSB_SANDBOX', `cannot create the sandbox's namespaces: ${detail}`, { cause: error });
  }
  const kept = DOCKER_DEFAULT_CAPABILITIES.filter((cap) => hasCapability(caps.bounding, cap));
  const boundingSet = ['-all', ...kept.map((cap) => `+${cap}`)].join(',');
  logger.debug({ isolation: 'chroot', uid, capEff: caps.effective.toString(16), tools, boundingSet }, 'sandbox probe');
  return new ChrootIsolation(tools, boundingSet, logger);
}
