/**
 * What the stage rules need to know about a stage as it goes, following BuildKit's dispatch
 * state rather than tsbuild's executor: the environment words are expanded with (base image ENV,
 * `PATH` added when missing, then ENV and every ARG with a value, which BuildKit keeps in the
 * same env, even into a stage built FROM this one), the ARG names declared, the SHELL, whether
 * an absolute WORKDIR was set in this build, and the ONBUILD triggers a child stage runs.
 */
import type { Instruction } from '../types.js';

/** BuildKit's default PATH for Linux, which it adds to a base image without one. */
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The state a stage starts from. */
export interface StageStart {
  readonly env: ReadonlyMap<string, string>;
  readonly argNames: ReadonlySet<string>;
  readonly shell: readonly string[];
  readonly workdirSet: boolean;
  /** Its base's ONBUILD triggers, parsed, located at its FROM: they run first. */
  readonly triggers: readonly Instruction[];
}

/** What a stage leaves for a stage built FROM it (which then runs `onbuild`). */
export interface StageEnd extends Omit<StageStart, 'triggers'> {
  readonly onbuild: readonly string[];
}

/** The start of a stage whose base is an image (or scratch) with this config. */
export function imageStart(config: { readonly Env?: readonly string[] | null | undefined; readonly Shell?: readonly string[] | null | undefined }, triggers: readonly Instruction[]): StageStart {
  const env = new Map<string, string>();
  for (const kv of config.Env ?? []) {
    const eq = kv.indexOf('=');
    env.set(eq < 0 ? kv : kv.slice(0, eq), eq < 0 ? '' : kv.slice(eq + 1));
  }
  if (!env.has('PATH')) env.set('PATH', DEFAULT_PATH);
  return { env, argNames: new Set(), shell: config.Shell ?? [], workdirSet: false, triggers };
}

/** The start of a stage built FROM an earlier stage, which ended as `end`. */
export function childStart(end: StageEnd, triggers: readonly Instruction[]): StageStart {
  const { onbuild: _onbuild, ...rest } = end;
  return { ...rest, triggers };
}
