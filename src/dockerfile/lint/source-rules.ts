/**
 * The rules BuildKit runs while parsing, on every stage whether built or not: keyword casing
 * (ConsistentInstructionCasing, FromAsCasing), stage names (StageNameCasing, ReservedStageName),
 * MaintainerDeprecated, NoEmptyContinuation and the experimental InvalidDefinitionDescription.
 */
import type { LineFacts, SourceFacts } from '../source-facts.js';
import type { Dockerfile, Instruction } from '../types.js';
import { finding, type LintFinding } from './finding.js';

const RESERVED_STAGE_NAMES: ReadonlySet<string> = new Set(['context', 'scratch']);

const isLower = (s: string): boolean => s === s.toLowerCase();
const isUpper = (s: string): boolean => s === s.toUpperCase();

/** The facts of `ins`'s line (undefined for an instruction that has no line of its own). */
export function factsOf(facts: SourceFacts, ins: Pick<Instruction, 'kind' | 'loc'>): LineFacts | undefined {
  return facts.lines.find((f) => f.loc.line === ins.loc.line && f.kind === ins.kind);
}

/** The top-level lines of the stages, FROM first: what BuildKit counts for keyword casing. */
function stageLines(df: Dockerfile, facts: SourceFacts): LineFacts[] {
  return df.stages.flatMap((s) => [s.from, ...s.instructions]).flatMap((ins) => factsOf(facts, ins) ?? []);
}

function instructionCasing(lines: readonly LineFacts[]): LintFinding[] {
  const consistent = lines.map((l) => l.keyword).filter((k) => isLower(k) || isUpper(k));
  const lower = consistent.filter(isLower).length;
  const majorityLower = lower > consistent.length - lower;
  return lines.flatMap((l) => {
    if (majorityLower && !isLower(l.keyword)) return [finding('ConsistentInstructionCasing', l.loc, l.keyword, 'lowercase')];
    if (!majorityLower && !isUpper(l.keyword)) return [finding('ConsistentInstructionCasing', l.loc, l.keyword, 'uppercase')];
    return [];
  });
}

function fromLine(l: LineFacts): LintFinding[] {
  const out: LintFinding[] = [];
  if (l.stageAs === undefined) return out;
  const { keyword: as, name } = l.stageAs;
  if (!isLower(name)) out.push(finding('StageNameCasing', l.loc, name));
  // A FROM keyword of mixed case is ConsistentInstructionCasing's business, not this rule's.
  const from = l.keyword;
  if ((isLower(from) && !isLower(as)) || (!isLower(from) && isUpper(from) && !isUpper(as))) {
    out.push(finding('FromAsCasing', l.loc, from, as));
  }
  return out;
}

/** InvalidDefinitionDescription: the last comment above a FROM or ARG must start with the name it describes. */
function definitionDescription(l: LineFacts, instruction: 'FROM' | 'ARG', names: readonly string[]): LintFinding[] {
  const last = l.comments[l.comments.length - 1];
  if (last === undefined || names.length === 0) return [];
  if (names.includes(last.split(' ')[0] ?? '')) return [];
  return [finding('InvalidDefinitionDescription', l.loc, instruction, names.length > 1 ? '<arg_key>' : (names[0] ?? ''))];
}

function definitions(df: Dockerfile, facts: SourceFacts): LintFinding[] {
  const args = [...df.globalArgs, ...df.stages.flatMap((s) => s.instructions)].flatMap((ins) => (ins.kind === 'ARG' ? [ins] : []));
  const fromDefs = df.stages.flatMap((s) => {
    const l = factsOf(facts, s.from);
    return l === undefined || s.name === undefined ? [] : definitionDescription(l, 'FROM', [s.name]);
  });
  const argDefs = args.flatMap((ins) => {
    const l = factsOf(facts, ins);
    return l === undefined ? [] : definitionDescription(l, 'ARG', ins.args.map((a) => a.name));
  });
  return [...fromDefs, ...argDefs];
}

/** Every parse-time finding of `df`, from its source facts. */
export function lintSource(df: Dockerfile, facts: SourceFacts): LintFinding[] {
  const continuations = facts.lines.flatMap((l) =>
    l.emptyContinuationAt === undefined ? [] : [finding('NoEmptyContinuation', { ...l.loc, line: l.emptyContinuationAt, endLine: l.emptyContinuationAt })],
  );
  const lines = stageLines(df, facts);
  const maintainers = lines.filter((l) => l.kind === 'MAINTAINER').map((l) => finding('MaintainerDeprecated', l.loc));
  const froms = lines.filter((l) => l.kind === 'FROM').flatMap(fromLine);
  const reserved = df.stages.flatMap((s) => (s.name !== undefined && RESERVED_STAGE_NAMES.has(s.name) ? [finding('ReservedStageName', s.from.loc, s.name)] : []));
  return [...continuations, ...maintainers, ...froms, ...definitions(df, facts), ...reserved, ...instructionCasing(lines)];
}
