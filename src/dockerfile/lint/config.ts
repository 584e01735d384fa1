/**
 * Which rules run and whether a finding fails the build, as BuildKit's linter decides it
 * (linter.go): the `BUILDKIT_DOCKERFILE_CHECK` build arg, when given (even empty), replaces the
 * `# check=` directive entirely; `skip=` silences non-experimental rules; an experimental rule
 * runs only when `experimental=` names it (or says `all`), whatever `skip=` says.
 */
import { TsbuildError, UsageError } from '../../oci/index.js';
import { parseCheckDirective, type CheckDirective } from '../check-directive.js';
import { DockerfileError } from '../errors.js';
import type { LintFinding } from './finding.js';
import { RULES, type RuleName } from './rules.js';

/** The build arg BuildKit reads in place of `# check=`. */
export const CHECK_BUILD_ARG = 'BUILDKIT_DOCKERFILE_CHECK';

/** The lint settings in effect for one build. */
export type LintConfig = CheckDirective;

/** The settings: the build arg's value when given, else the directive's, else every rule on. */
export function lintConfig(directive: CheckDirective | undefined, buildArg: string | undefined): LintConfig {
  if (buildArg === undefined) return directive ?? { skip: [], error: false, experimental: [] };
  try {
    return parseCheckDirective(buildArg, { file: `build-arg:${CHECK_BUILD_ARG}`, line: 0, endLine: 0 });
  } catch (err) {
    const detail = err instanceof DockerfileError ? err.detail : String(err);
    throw new UsageError(`failed to parse build-arg:${CHECK_BUILD_ARG}: ${detail}`, { cause: err });
  }
}

/** True when `rule` runs under `config`. */
export function ruleEnabled(config: LintConfig, rule: RuleName): boolean {
  if (RULES[rule].experimental) return config.experimental.includes('all') || config.experimental.includes(rule);
  return !config.skip.includes('all') && !config.skip.includes(rule);
}

/** The findings `config` keeps, in the order given. */
export function enabledFindings(config: LintConfig, findings: readonly LintFinding[]): LintFinding[] {
  return findings.filter((f) => ruleEnabled(config, f.rule));
}

/** With `error=true` and findings: BuildKit's error naming each violated rule once. */
export function lintViolation(config: LintConfig, findings: readonly LintFinding[]): TsbuildError | undefined {
  if (!config.error || findings.length === 0) return undefined;
  const rules = [...new Set(findings.map((f) => f.rule))];
  return new TsbuildError('TSB_DOCKERFILE_LINT', `lint violation found for rules: ${rules.join(', ')}`);
}
