/**
 * The rules BuildKit runs while dispatching a stage it builds, in dispatch order (base ONBUILD
 * triggers first): UndefinedVar on every word BuildKit expands (ENV, LABEL, ARG defaults,
 * WORKDIR, USER, VOLUME, STOPSIGNAL, COPY/ADD flags, sources, destination and expanding
 * heredocs; all words of an instruction see the env from before it), WorkdirRelativePath,
 * JSONArgsRecommended, MultipleInstructionsDisallowed, LegacyKeyValueFormat,
 * SecretsUsedInArgOrEnv, the EXPOSE rules and the experimental CopyIgnoredFile.
 */
import { posix } from 'node:path';
import type { SourceLoc } from '../errors.js';
import type { ExpandOptions } from '../expand.js';
import type { SourceFacts } from '../source-facts.js';
import type { AddInstruction, CopyInstruction, Instruction, Stage } from '../types.js';
import { exposeFindings } from './expose-rules.js';
import { finding, type LintFinding } from './finding.js';
import { isSecretName } from './secret-names.js';
import { factsOf } from './source-rules.js';
import type { StageEnd, StageStart } from './stage-state.js';
import { suggestName } from './suggest-name.js';
import { expandedWords, trackedExpand } from './tracked-expand.js';

/** ARGs BuildKit never puts in the environment, and never reports as undefined. */
const NON_ENV_ARGS: ReadonlySet<string> = new Set(['BUILDKIT_SBOM_SCAN_CONTEXT', 'BUILDKIT_SBOM_SCAN_STAGE']);

/** What the walk needs besides the stage. */
export interface StageLintContext {
  readonly escape: '\\' | '`';
  readonly buildArgs: ReadonlyMap<string, string>;
  /** Global ARG values (platform ARGs included) an `ARG NAME` without default takes. */
  readonly globals: ReadonlyMap<string, string>;
  readonly facts: SourceFacts;
  /**
   * For CopyIgnoredFile: whether `.dockerignore` excludes a context path (relative, `''` for the
   * root); absent when there is no ignore file or it re-includes with `!` (BuildKit skips then).
   */
  readonly ignored?: (path: string) => boolean;
}

/** One stage's walk; its fields are the dispatch state as it changes. */
class StageWalk {
  readonly findings: LintFinding[] = [];
  readonly env: Map<string, string>;
  readonly argNames: Set<string>;
  shell: readonly string[];
  workdirSet: boolean;
  readonly onbuild: string[] = [];
  private readonly lastOfKind = new Map<string, SourceLoc>();

  constructor(
    start: StageStart,
    readonly ctx: StageLintContext,
  ) {
    this.env = new Map(start.env);
    this.argNames = new Set(start.argNames);
    this.shell = start.shell;
    this.workdirSet = start.workdirSet;
  }

  keyword(ins: Instruction): string {
    return factsOf(this.ctx.facts, ins)?.keyword ?? ins.kind;
  }

  /** Expands `word` with the env as it is now, reporting the variables it does not find. */
  expand(ins: Instruction, word: string, opts: ExpandOptions = { escape: this.ctx.escape }): string | undefined {
    const result = trackedExpand(word, (name) => this.env.get(name), opts);
    for (const name of result.unmatched) {
      if (this.argNames.has(name) || NON_ENV_ARGS.has(name)) continue;
      this.findings.push(finding('UndefinedVar', ins.loc, name, suggestName(name, this.env.keys())));
    }
    return result.value;
  }

  /** MultipleInstructionsDisallowed: the earlier one is reported, since it is the one ignored. */
  usedOnce(ins: Instruction): void {
    const earlier = this.lastOfKind.get(ins.kind);
    if (earlier !== undefined) this.findings.push(finding('MultipleInstructionsDisallowed', earlier, this.keyword(ins)));
    this.lastOfKind.set(ins.kind, ins.loc);
  }

  secret(ins: Instruction, kind: 'ARG' | 'ENV', name: string): void {
    if (isSecretName(name)) this.findings.push(finding('SecretsUsedInArgOrEnv', ins.loc, kind, name));
  }
}

function keyValues(w: StageWalk, ins: Extract<Instruction, { kind: 'ENV' | 'LABEL' }>): void {
  const pairs = ins.pairs.map((p) => ({ key: w.expand(ins, p.key), value: w.expand(ins, p.value) }));
  const legacy = factsOf(w.ctx.facts, ins)?.legacyKeyValue === true;
  for (const { key, value } of pairs) {
    if (legacy) w.findings.push(finding('LegacyKeyValueFormat', ins.loc, w.keyword(ins)));
    if (ins.kind === 'LABEL' || key === undefined) continue;
    w.secret(ins, 'ENV', key);
    if (value !== undefined) w.env.set(key, value);
  }
}

function arg(w: StageWalk, ins: Extract<Instruction, { kind: 'ARG' }>, ctx: StageLintContext): void {
  for (const item of ins.args) {
    w.secret(ins, 'ARG', item.name);
    const given = ctx.buildArgs.get(item.name);
    let value = given;
    if (given === undefined) value = item.default === undefined ? ctx.globals.get(item.name) : w.expand(ins, item.default);
    if (value !== undefined && !NON_ENV_ARGS.has(item.name)) w.env.set(item.name, value);
    w.argNames.add(item.name);
  }
}

function copy(w: StageWalk, ins: CopyInstruction | AddInstruction, ctx: StageLintContext): void {
  const flags = ins.kind === 'ADD' ? [ins.flags.chown, ins.flags.checksum] : [ins.flags.chown];
  for (const flag of flags) if (flag !== undefined) w.expand(ins, flag);
  const sources = ins.sources.map((s) => w.expand(ins, s));
  w.expand(ins, ins.dest);
  for (const doc of ins.heredocs ?? []) if (doc.expand) w.expand(ins, doc.content, { escape: '\\', skipQuotes: true });
  const fromContext = ins.kind === 'ADD' || ins.flags.from === undefined;
  if (ctx.ignored === undefined || !fromContext) return;
  for (const source of sources) {
    if (source === undefined || /^[a-z][a-z0-9+.-]*:\/\//i.test(source) || source.startsWith('git@')) continue;
    // Go's filepath.Clean: `./a/` is `a`, `/` stays `/`.
    const clean = posix.normalize(source).replace(/(.)\/+$/, '$1');
    const rel = clean.replace(/^\/+/, '');
    if (ctx.ignored(rel === '.' ? '' : rel)) w.findings.push(finding('CopyIgnoredFile', ins.loc, ins.kind === 'ADD' ? 'Add' : 'Copy', clean));
  }
}

function step(w: StageWalk, ins: Instruction, ctx: StageLintContext): void {
  switch (ins.kind) {
    case 'ENV':
    case 'LABEL':
      return keyValues(w, ins);
    case 'ARG':
      return arg(w, ins, ctx);
    case 'WORKDIR': {
      const path = w.expand(ins, ins.path);
      if (!w.workdirSet && path !== undefined && !path.startsWith('/')) w.findings.push(finding('WorkdirRelativePath', ins.loc, path));
      w.workdirSet = true;
      return;
    }
    case 'USER':
      return void w.expand(ins, ins.user);
    case 'STOPSIGNAL':
      return void w.expand(ins, ins.signal);
    case 'VOLUME':
      return ins.volumes.forEach((v) => w.expand(ins, v));
    case 'COPY':
    case 'ADD':
      return copy(w, ins, ctx);
    case 'CMD':
    case 'ENTRYPOINT':
      w.usedOnce(ins);
      if (ins.command.form === 'shell' && w.shell.length === 0) w.findings.push(finding('JSONArgsRecommended', ins.loc, w.keyword(ins)));
      return;
    case 'HEALTHCHECK':
      return w.usedOnce(ins);
    case 'SHELL':
      w.shell = ins.shell;
      return;
    case 'EXPOSE':
      for (const word of ins.ports) {
        for (const port of expandedWords(word, (name) => w.env.get(name), { escape: ctx.escape }) ?? []) w.findings.push(...exposeFindings(ins.loc, port));
      }
      return;
    case 'ONBUILD':
      w.onbuild.push(ins.expression);
      return;
    case 'FROM':
    case 'RUN':
    case 'MAINTAINER':
      return;
  }
}

/** The findings of one built stage from `start`, and what it leaves for a stage built FROM it. */
export function lintStage(stage: Stage, start: StageStart, ctx: StageLintContext): { findings: LintFinding[]; end: StageEnd } {
  const w = new StageWalk(start, ctx);
  for (const ins of [...start.triggers, ...stage.instructions]) step(w, ins, ctx);
  return { findings: w.findings, end: { env: w.env, argNames: w.argNames, shell: w.shell, workdirSet: w.workdirSet, onbuild: w.onbuild } };
}
