/**
 * BuildKit's Dockerfile lint rules, run on every build before step 1, as BuildKit lints every
 * build: the parse-time and FROM-line rules on all stages, the dispatch rules on the stages
 * built, with the facts only a build has (each base image's ENV, SHELL, ONBUILD and platform,
 * the .dockerignore). `# check=` or the `BUILDKIT_DOCKERFILE_CHECK` build arg choose the rules;
 * each finding is one warning, and with `error=true` any finding fails the build. Linting
 * never changes what is built.
 */
import type { BuildContext } from '../context/index.js';
import {
  BUILDER_FEATURES,
  CHECK_BUILD_ARG,
  baseImagePlatformFindings,
  childStart,
  enabledFindings,
  formatFinding,
  imageStart,
  lintConfig,
  lintFromLines,
  lintSource,
  lintStage,
  lintViolation,
  parseTrigger,
  type BuildPlan,
  type Dockerfile,
  type LintFinding,
  type PlannedStage,
  type SourceFacts,
  type StageEnd,
  type StageLintContext,
  type StageStart,
} from '../dockerfile/index.js';
import type { Image } from '../image/index.js';
import type { Logger } from '../log/index.js';
import { InternalError, type Platform } from '../oci/index.js';
import { locate } from './locate-error.js';
import { inheritedTriggers } from './run-stage.js';

/** What the lint pass reads; `baseImage` resolves an image or scratch base as the build will. */
export interface LintInput {
  readonly dockerfile: Dockerfile;
  readonly facts: SourceFacts;
  readonly plan: BuildPlan;
  readonly buildArgs: ReadonlyMap<string, string>;
  /** The automatic platform ARGs, a --build-arg of the same name applied. */
  readonly builtinArgs: ReadonlyMap<string, string>;
  /** The global ARG values stages see (platform ARGs included). */
  readonly globals: ReadonlyMap<string, string>;
  readonly context: BuildContext;
  readonly platform: Platform;
  readonly baseImage: (stage: PlannedStage) => Promise<Image>;
  readonly logger: Logger;
}

/** Patterns that exclude the whole context, the only case BuildKit flags `COPY .` for. */
const ROOT_PATTERNS: ReadonlySet<string> = new Set(['*', '**', '**/*']);

/** CopyIgnoredFile's view of `.dockerignore`; none when there is no file or it re-includes (BuildKit's rule then). */
function ignoredPaths(context: BuildContext): StageLintContext['ignored'] {
  const { ignore } = context;
  if (ignore.patterns.length === 0 || ignore.hasExceptions) return undefined;
  return (path) => (path === '' ? ignore.patterns.some((p) => ROOT_PATTERNS.has(p)) : ignore.ignores(path));
}

/** Where a built stage starts, and the InvalidBaseImagePlatform finding of its base image. */
async function stageStart(stage: PlannedStage, ends: ReadonlyMap<number, StageEnd>, input: LintInput): Promise<{ start: StageStart; findings: LintFinding[] }> {
  const base = stage.base;
  if (base.kind === 'stage') {
    const end = ends.get(base.index);
    if (end === undefined) throw new InternalError(`stage ${base.index} is linted after a stage built FROM it`);
    const triggers = end.onbuild.map((t) => parseTrigger(t, stage.from.loc, { features: BUILDER_FEATURES }));
    return { start: childStart(end, triggers), findings: [] };
  }
  if (base.kind === 'scratch') return { start: imageStart({}, []), findings: [] };
  try {
    const image = await input.baseImage(stage);
    const config = await image.config();
    const start = imageStart(config.config ?? {}, inheritedTriggers(stage, config.config ?? {}).triggers);
    // An image without layers is built FROM scratch by BuildKit, and not checked.
    if ((await image.layers()).length === 0) return { start, findings: [] };
    const actual = { os: config.os, architecture: config.architecture, ...(config.variant === undefined ? {} : { variant: config.variant }) };
    return { start, findings: baseImagePlatformFindings(stage.from.loc, base.ref, input.platform, actual) };
  } catch (err) {
    throw locate(err, stage.from);
  }
}

/** Every finding of the build, before any rule is filtered out. */
async function allFindings(input: LintInput): Promise<LintFinding[]> {
  const { dockerfile: df, facts } = input;
  const findings = [...lintSource(df, facts), ...lintFromLines(df, { globals: input.globals, builtins: input.builtinArgs })];
  const ignored = ignoredPaths(input.context);
  const ctx: StageLintContext = { escape: df.directives.escape, buildArgs: input.buildArgs, globals: input.globals, facts, ...(ignored === undefined ? {} : { ignored }) };
  const ends = new Map<number, StageEnd>();
  for (const stage of input.plan.stages) {
    const { start, findings: platform } = await stageStart(stage, ends, input);
    const walked = lintStage(stage, start, ctx);
    ends.set(stage.index, walked.end);
    findings.push(...platform, ...walked.findings);
  }
  return findings;
}

/** Runs the rules the build's settings enable, warns once per finding, and throws on `error=true` with findings. */
export async function lintBuild(input: LintInput): Promise<void> {
  const config = lintConfig(input.dockerfile.directives.checks, input.buildArgs.get(CHECK_BUILD_ARG));
  // Nothing enabled: no base image needs looking at before step 1.
  if (config.skip.includes('all') && config.experimental.length === 0) return;
  const findings = enabledFindings(config, await allFindings(input));
  const ordered = findings.map((f, i) => ({ f, i })).sort((a, b) => a.f.loc.line - b.f.loc.line || a.i - b.i).map(({ f }) => f);
  for (const f of ordered) input.logger.warn(formatFinding(f));
  const violation = lintViolation(config, ordered);
  if (violation) throw violation;
}
