/**
 * Which rules run and what a finding does, as BuildKit's linter decides: the build arg replaces
 * the directive, skip= silences, experimental rules only on request, error=true names the rules.
 */
import { describe, expect, it } from 'vitest';
import {
  ALL_FEATURES,
  enabledFindings,
  formatFinding,
  lintConfig,
  lintSource,
  lintViolation,
  parseDockerfile,
  parseWithFacts,
  RULES,
  ruleEnabled,
} from '../../src/dockerfile/index.js';
import { TsbuildError, UsageError } from '../../src/oci/index.js';

const directive = (text: string) => parseDockerfile(`# check=${text}\nFROM scratch\n`, 'Dockerfile', { features: ALL_FEATURES }).directives.checks;

describe('lint settings', () => {
  it('runs every non-experimental rule by default', () => {
    const config = lintConfig(undefined, undefined);
    expect(ruleEnabled(config, 'JSONArgsRecommended')).toBe(true);
    expect(ruleEnabled(config, 'CopyIgnoredFile')).toBe(false);
  });

  it('honours skip= by name or all, and experimental= whatever skip says', () => {
    const some = lintConfig(directive('skip=JSONArgsRecommended,UndefinedVar'), undefined);
    expect(ruleEnabled(some, 'UndefinedVar')).toBe(false);
    expect(ruleEnabled(some, 'FromAsCasing')).toBe(true);
    const all = lintConfig(directive('skip=all;experimental=CopyIgnoredFile'), undefined);
    expect(ruleEnabled(all, 'FromAsCasing')).toBe(false);
    expect(ruleEnabled(all, 'CopyIgnoredFile')).toBe(true);
    expect(ruleEnabled(all, 'InvalidDefinitionDescription')).toBe(false);
    expect(ruleEnabled(lintConfig(directive('experimental=all'), undefined), 'InvalidDefinitionDescription')).toBe(true);
  });

  it('lets BUILDKIT_DOCKERFILE_CHECK replace the directive, even when empty', () => {
    const fromDirective = directive('skip=all;error=true');
    expect(lintConfig(fromDirective, 'skip=FromAsCasing')).toEqual({ skip: ['FromAsCasing'], error: false, experimental: [] });
    expect(lintConfig(fromDirective, '')).toEqual({ skip: [], error: false, experimental: [] });
    expect(() => lintConfig(undefined, 'bogus=1')).toThrow(UsageError);
    expect(() => lintConfig(undefined, 'bogus=1')).toThrow('failed to parse build-arg:BUILDKIT_DOCKERFILE_CHECK: invalid check option "bogus"');
  });

  it('with error=true, fails naming each violated rule once; warns otherwise', () => {
    const { dockerfile, facts } = parseWithFacts('# check=error=true\nFROM scratch as a\nfrom scratch as b\nMAINTAINER me\n', 'Dockerfile', { features: ALL_FEATURES });
    const config = lintConfig(dockerfile.directives.checks, undefined);
    const findings = enabledFindings(config, lintSource(dockerfile, facts));
    const err = lintViolation(config, findings);
    expect(err).toBeInstanceOf(TsbuildError);
    expect(err?.exitCode).toBe(1);
    expect(err?.code).toBe('TSB_DOCKERFILE_LINT');
    expect(err?.message).toBe('lint violation found for rules: MaintainerDeprecated, FromAsCasing, ConsistentInstructionCasing');
    expect(lintViolation(lintConfig(undefined, undefined), findings)).toBeUndefined();
    expect(lintViolation(config, [])).toBeUndefined();
  });

  it('prints a finding as file:line: Rule: message (url)', () => {
    const { dockerfile, facts } = parseWithFacts('FROM scratch\nFROM scratch as x\n');
    const [f] = lintSource(dockerfile, facts);
    expect(formatFinding(f!)).toBe(
      "Dockerfile:2: FromAsCasing: 'as' and 'FROM' keywords' casing do not match (https://docs.docker.com/go/dockerfile/rule/from-as-casing/)",
    );
  });

  it('publishes every rule with its BuildKit URL', () => {
    for (const [name, rule] of Object.entries(RULES)) {
      expect(rule.name).toBe(name);
      expect(rule.url).toMatch(/^https:\/\/docs\.docker\.com\/go\/dockerfile\/rule\/[a-z-]+\/$/);
    }
    expect(Object.values(RULES).filter((r) => r.experimental).map((r) => r.name)).toEqual(['CopyIgnoredFile', 'InvalidDefinitionDescription']);
  });
});
