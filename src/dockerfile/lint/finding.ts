/** One lint finding: a rule, its message and the lines it is about. */
import type { SourceLoc } from '../errors.js';
import { RULES, type RuleName } from './rules.js';

/** A rule violated at a place, with BuildKit's message. */
export interface LintFinding {
  readonly rule: RuleName;
  readonly message: string;
  readonly loc: SourceLoc;
}

type FormatArgs<K extends RuleName> = Parameters<(typeof RULES)[K]['format']>;

/** The finding of rule `name` at `loc`, its message formatted from `args`. */
export function finding<K extends RuleName>(name: K, loc: SourceLoc, ...args: FormatArgs<K>): LintFinding {
  const format = RULES[name].format as (...a: FormatArgs<K>) => string;
  return { rule: name, message: format(...args), loc };
}

/** `file:line: Rule: message (url)`: one warning a user can act on, and grep for. */
export function formatFinding(f: LintFinding): string {
  return `${f.loc.file}:${f.loc.line}: ${f.rule}: ${f.message} (${RULES[f.rule].url})`;
}
