/**
 * The rules on FROM lines that need the global ARGs, run on every stage as BuildKit runs them
 * before choosing what to build: UndefinedArgInFrom, RedundantTargetPlatform,
 * FromPlatformFlagConstDisallowed, and InvalidDefaultArgInFrom (the base name with the ARG
 * defaults alone, no --build-arg, must still be an image reference).
 */
import { parsePlatform, parseReference } from '../../oci/index.js';
import type { ExpandEnv } from '../expand.js';
import type { Dockerfile, Stage } from '../types.js';
import { finding, type LintFinding } from './finding.js';
import { suggestName } from './suggest-name.js';
import { trackedExpand, type TrackedExpansion } from './tracked-expand.js';

/** The global values FROM lines are expanded with. */
export interface FromArgs {
  /** Global ARGs as resolved for this build (build args applied), over the automatic platform ARGs. */
  readonly globals: ReadonlyMap<string, string>;
  /** The automatic platform ARGs alone (a --build-arg of the same name applied). */
  readonly builtins: ReadonlyMap<string, string>;
}

function undeclared(stage: Stage, word: TrackedExpansion, known: ReadonlySet<string>): LintFinding[] {
  return [...word.unmatched].filter((name) => !known.has(name)).map((name) => finding('UndefinedArgInFrom', stage.from.loc, name, suggestName(name, known)));
}

function platformRules(stage: Stage, platform: string, word: TrackedExpansion, globals: ReadonlyMap<string, string>): LintFinding[] {
  const { matched, unmatched, value } = word;
  if (matched.size === 1 && unmatched.size === 0 && matched.has('TARGETPLATFORM') && value === globals.get('TARGETPLATFORM')) {
    return [finding('RedundantTargetPlatform', stage.from.loc, platform)];
  }
  if (matched.size > 0 || unmatched.size > 0 || value === undefined) return [];
  const parsed = parsePlatform(value);
  if (parsed === undefined) return [];
  const name = stage.name ?? '';
  if (name.includes(parsed.os) || name.includes(parsed.architecture)) return [];
  return [finding('FromPlatformFlagConstDisallowed', stage.from.loc, value)];
}

/** ARG defaults in declaration order over `builtins`, no build arg applied; undefined when one does not expand. */
function defaultGlobals(df: Dockerfile, builtins: ReadonlyMap<string, string>): ExpandEnv | undefined {
  const values = new Map(builtins);
  const env: ExpandEnv = (name) => values.get(name);
  for (const ins of df.globalArgs) {
    for (const arg of ins.args) {
      if (arg.default === undefined) continue;
      const value = trackedExpand(arg.default, env, { escape: df.directives.escape }).value;
      if (value === undefined) return undefined;
      values.set(arg.name, value);
    }
  }
  return env;
}

function invalidDefaults(df: Dockerfile, builtins: ReadonlyMap<string, string>): LintFinding[] {
  const env = defaultGlobals(df, builtins);
  const out: LintFinding[] = [];
  if (env === undefined) return out;
  for (const stage of df.stages) {
    const base = trackedExpand(stage.from.image, env, { escape: df.directives.escape }).value;
    // BuildKit abandons the check at the first base name that does not expand.
    if (base === undefined) return out;
    try {
      parseReference(base);
    } catch {
      out.push(finding('InvalidDefaultArgInFrom', stage.from.loc, stage.from.image));
    }
  }
  return out;
}

/** Every FROM-line finding of `df` under `args`. */
export function lintFromLines(df: Dockerfile, args: FromArgs): LintFinding[] {
  const env: ExpandEnv = (name) => args.globals.get(name);
  const known = new Set([...df.globalArgs.flatMap((ins) => ins.args.map((a) => a.name)), ...args.globals.keys()]);
  const opts = { escape: df.directives.escape };
  const perStage = df.stages.flatMap((stage) => {
    const base = undeclared(stage, trackedExpand(stage.from.image, env, opts), known);
    const platform = stage.from.platform;
    if (platform === undefined) return base;
    const word = trackedExpand(platform, env, opts);
    return [...base, ...undeclared(stage, word, known), ...platformRules(stage, platform, word, args.globals)];
  });
  return [...invalidDefaults(df, args.builtins), ...perStage];
}
