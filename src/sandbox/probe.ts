/**
 * Choosing the isolation once, from what this process may do: the candidates that its uid and
 * capabilities allow (strategy.ts), each tried for real in that order, the first that works
 * kept. The choice and every refusal are logged at debug level; the degraded strategy is
 * announced with a warning listing what RUN will lack.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../log/index.js';
import { TsbuildError } from '../oci/index.js';
import { DOCKER_DEFAULT_CAPABILITIES, hasCapability, readCapabilities, type ProcessCapabilities } from './capabilities.js';
import { DegradedIsolation } from './degraded-isolation.js';
import { locateHostTools, locateOptionalTool, type HostTools } from './host-tools.js';
import { identityMapper, rootIsParentRoot, rootlessMapper, type IdMapper } from './id-maps.js';
import { NamespaceIsolation } from './namespace-isolation.js';
import { runTrial } from './namespace-process.js';
import { trialArgs } from './sandbox-script.js';
import { degradedLacks, planStrategies, type ProcessFacts, type StrategyName } from './strategy.js';
import { readSubordinateIds } from './subordinate-ids.js';
import type { Isolation, ProbeOptions } from './types.js';

interface ProbeContext {
  readonly tools: HostTools;
  readonly facts: ProcessFacts;
  readonly caps: ProcessCapabilities;
  readonly scratchDir: string;
  readonly logger: Logger;
}

/** setpriv's bounding set: Docker's default set, less what `bounding` lacks. */
function boundingSetOf(bounding: bigint | null): string {
  const kept = DOCKER_DEFAULT_CAPABILITIES.filter((cap) => bounding === null || hasCapability(bounding, cap));
  return ['-all', ...kept.map((cap) => `+${cap}`)].join(',');
}

async function rootlessIds(uid: number, gid: number): Promise<IdMapper> {
  const user = (() => {
    try {
      return userInfo().username;
    } catch {
      return undefined; // No passwd entry for this uid: only a numeric line can match.
    }
  })();
  const [subuids, subgids, newuidmap, newgidmap] = await Promise.all([
    readSubordinateIds('/etc/subuid', user, uid),
    readSubordinateIds('/etc/subgid', user, gid),
    locateOptionalTool('newuidmap'),
    locateOptionalTool('newgidmap'),
  ]);
  return rootlessMapper({ uid, gid, subuids, subgids, ...(newuidmap && { newuidmap }), ...(newgidmap && { newgidmap }) });
}

/** Tries one strategy; returns it, or why it cannot work here. */
async function attempt(name: StrategyName, ctx: ProbeContext): Promise<Isolation | string> {
  if (name === 'degraded') {
    const eff = ctx.caps.effective;
    return new DegradedIsolation(
      ctx.tools,
      {
        mknod: hasCapability(eff, 'mknod'),
        setGroups: hasCapability(eff, 'setgid'),
        boundingSet: hasCapability(eff, 'setpcap') ? boundingSetOf(ctx.caps.bounding) : null,
      },
      ctx.logger,
    );
  }
  const mapper = name === 'chroot' ? null : name === 'userns' ? await identityMapper() : await rootlessIds(ctx.facts.uid, process.getgid?.() ?? 0);
  const mountPoint = await mkdtemp(join(ctx.scratchDir, 'tsbuild-probe-'));
  try {
    const ns = { userNamespace: mapper !== null, setGroups: mapper?.canSetGroups ?? true };
    const failure = await runTrial(ctx.tools, trialArgs(ctx.tools, ns, mountPoint), mapper);
    if (failure !== undefined) return failure;
  } finally {
    await rm(mountPoint, { recursive: true, force: true });
  }
  ctx.logger.debug({ isolation: name, idMaps: mapper?.description }, 'sandbox id maps');
  // In a new user namespace every capability exists again: Docker's whole default set is kept.
  const boundingSet = boundingSetOf(mapper === null ? ctx.caps.bounding : null);
  return new NamespaceIsolation(ctx.tools, { name, boundingSet, mapper, scratchDir: ctx.scratchDir }, ctx.logger);
}

/** Probes the process and returns the isolation RUN commands will use. */
export async function probeIsolation(logger: Logger, options: ProbeOptions = {}): Promise<Isolation> {
  const mode = options.mode ?? 'auto';
  const scratchDir = options.scratchDir ?? tmpdir();
  await mkdir(scratchDir, { recursive: true, mode: 0o755 });
  const caps = await readCapabilities();
  const uid = process.getuid?.() ?? -1;
  const facts: ProcessFacts = { uid, effective: caps.effective, unprivilegedRoot: uid === 0 && !(await rootIsParentRoot()) };
  const plan = planStrategies(facts, mode);
  const refused = [...plan.excluded];
  const tools = plan.candidates.length === 0 ? undefined : await locateHostTools();
  for (const name of plan.candidates) {
    const result = await attempt(name, { tools: tools!, facts, caps, scratchDir, logger });
    if (typeof result === 'string') {
      refused.push(`${name}: ${result}`);
      continue;
    }
    logger.debug({ isolation: name, mode, uid: facts.uid, capEff: caps.effective.toString(16), refused, tools }, 'sandbox probe');
    if (name === 'degraded') {
      logger.warn(
        `RUN isolation is degraded (no mount namespace: ${refused.join('; ')}). RUN commands will lack: ${degradedLacks(facts).join('; ')}`,
      );
    }
    return result;
  }
  throw new TsbuildError(
    'TSB_SANDBOX',
    `cannot run RUN commands with --isolation ${mode}: ${refused.join('; ')}`,
  );
}
