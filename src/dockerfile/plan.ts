/**
 * Which stages to build and from what, decided before anything runs (BuildKit's dispatch
 * states): global ARGs are resolved (declared default, overridden by a build arg), each FROM is
 * expanded with them alone, and a FROM names an earlier stage (case-insensitive), `scratch`, or
 * an image. Dependencies come from `FROM <stage>` and `COPY --from=<name|index>`; only the
 * stages the target needs are kept, in index order, which is a dependency order because a stage
 * may only use earlier ones here.
 */
import { InternalError, UsageError } from '../oci/index.js';
import { type SourceLoc, syntaxError, withLocation } from './errors.js';
import { expand, type ExpandEnv } from './expand.js';
import { didYouMean } from './suggest.js';
import type { Dockerfile, Instruction, Stage } from './types.js';

/** Where a stage or a `COPY --from` gets its files. */
export type StageSource = { readonly kind: 'image'; readonly ref: string } | { readonly kind: 'stage'; readonly index: number };

/** A stage with its base resolved. `copyFrom` maps each raw `--from` value of the stage to its source. */
export type PlannedStage = Stage & {
  readonly base: StageSource | { readonly kind: 'scratch' };
  readonly copyFrom: ReadonlyMap<string, StageSource>;
};

/** The stages to build, in dependency order, the target, and the global ARG values in effect. */
export interface BuildPlan {
  readonly stages: readonly PlannedStage[];
  readonly target: PlannedStage;
  readonly globalArgs: ReadonlyMap<string, string>;
}

/** `target` picks the stage (default: the last); `builtinArgs` are BuildKit's automatic platform ARGs. */
export interface PlanOptions {
  readonly target?: string;
  readonly buildArgs: ReadonlyMap<string, string>;
  readonly builtinArgs?: ReadonlyMap<string, string>;
}

function expandAt(word: string, env: ExpandEnv, escape: '\\' | '`', loc: SourceLoc): string {
  try {
    return expand(word, env, { escape }).value;
  } catch (err) {
    throw withLocation(err, loc);
  }
}

/**
 * Global ARGs in declaration order: a build arg wins, else the default expanded with earlier ones
 * (and BuildKit's automatic platform ARGs, which a build arg of the same name overrides); an ARG
 * with neither keeps the value it already had (BuildKit's `buildMetaArgs`).
 */
function resolveGlobalArgs(df: Dockerfile, opts: PlanOptions, builtin: ExpandEnv): Map<string, string> {
  const values = new Map<string, string>();
  const env: ExpandEnv = (name) => values.get(name) ?? builtin(name);
  for (const ins of df.globalArgs) {
    for (const arg of ins.args) {
      const given = opts.buildArgs.get(arg.name);
      const value = given ?? (arg.default === undefined ? undefined : expandAt(arg.default, env, df.directives.escape, ins.loc));
      if (value !== undefined) values.set(arg.name, value);
    }
  }
  return values;
}

/** Go's strconv.Atoi, which BuildKit uses to tell `--from=1` from `--from=name`. */
function stageIndex(text: string): number | undefined {
  return /^[+-]?\d+$/.test(text) ? Number(text) : undefined;
}

function planStage(stage: Stage, stages: readonly Stage[], df: Dockerfile, env: ExpandEnv): PlannedStage {
  const loc = stage.from.loc;
  const image = expandAt(stage.from.image, env, df.directives.escape, loc);
  if (image === '') throw syntaxError(`base name (${stage.from.image}) should not be blank`, loc);
  const byName = stages.find((s) => s.name !== undefined && s.name === image.toLowerCase());
  if (byName !== undefined && byName.index > stage.index) {
    throw syntaxError(`FROM ${image}: stage "${byName.name ?? ''}" is defined later (line ${byName.from.loc.line}); a stage can only build on earlier ones`, loc);
  }
  // As in BuildKit, `FROM x AS x` names the image x, not the stage itself.
  const base: PlannedStage['base'] =
    byName !== undefined && byName.index < stage.index
      ? { kind: 'stage', index: byName.index }
      : image === 'scratch'
        ? { kind: 'scratch' }
        : { kind: 'image', ref: image };
  const copyFrom = new Map<string, StageSource>();
  // RUN --mount=from=… reads a stage or image as COPY --from does (the parser refused a `$` in it).
  const froms = stage.instructions.flatMap((ins): { ins: Instruction; from: string | undefined }[] =>
    ins.kind === 'COPY' ? [{ ins, from: ins.flags.from }] : ins.kind === 'RUN' ? (ins.mounts ?? []).map((m) => ({ ins, from: /(?:^|,)from=([^,]*)/i.exec(m)?.[1] })) : [],
  );
  for (const { ins, from } of froms) {
    if (from === undefined || copyFrom.has(from)) continue;
    if (expandAt(from, env, df.directives.escape, ins.loc) !== from) {
      throw syntaxError('variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround', ins.loc);
    }
    copyFrom.set(from, resolveCopyFrom(from, stage, stages, ins.loc));
  }
  return { ...stage, base, copyFrom };
}

function resolveCopyFrom(from: string, stage: Stage, stages: readonly Stage[], loc: SourceLoc): StageSource {
  const index = stageIndex(from);
  const target = index === undefined ? stages.find((s) => s.name === from.toLowerCase()) : stages[index];
  if (index !== undefined && target === undefined) throw syntaxError(`invalid stage index ${from}`, loc);
  if (target === undefined) return { kind: 'image', ref: from };
  if (target.index === stage.index) throw syntaxError(`COPY --from=${from} refers to its own stage`, loc);
  if (target.index > stage.index) {
    throw syntaxError(`COPY --from=${from}: that stage is defined later (line ${target.from.loc.line}); a stage can only copy from earlier ones`, loc);
  }
  return { kind: 'stage', index: target.index };
}

/** Resolves bases and dependencies and keeps only the stages `opts.target` needs. */
export function planBuild(df: Dockerfile, opts: PlanOptions): BuildPlan {
  const builtin: ExpandEnv = (name) => (opts.builtinArgs?.has(name) ? (opts.buildArgs.get(name) ?? opts.builtinArgs.get(name)) : undefined);
  const globalArgs = resolveGlobalArgs(df, opts, builtin);
  const env: ExpandEnv = (name) => globalArgs.get(name) ?? builtin(name);
  const planned = df.stages.map((s) => planStage(s, df.stages, df, env));
  let target = planned[planned.length - 1];
  if (opts.target !== undefined) {
    const wanted = opts.target.toLowerCase();
    target = planned.find((s) => s.name === wanted);
    const names = planned.flatMap((s) => (s.name === undefined ? [] : [s.name]));
    if (target === undefined) {
      throw new UsageError(`target stage "${opts.target}" could not be found${didYouMean(opts.target, names)}`);
    }
  }
  if (target === undefined) throw new InternalError('planBuild was given a Dockerfile without stages');
  const needed = new Set<number>();
  const visit = (s: PlannedStage): void => {
    if (needed.has(s.index)) return;
    needed.add(s.index);
    const deps = [s.base, ...s.copyFrom.values()];
    for (const d of deps) if (d.kind === 'stage') visit(planned[d.index] ?? s);
  };
  visit(target);
  return { stages: planned.filter((s) => needed.has(s.index)), target, globalArgs };
}
