/**
 * The parse-time lint rules on real Dockerfile text: each fires where BuildKit's does, with its
 * exact message and line, and stays quiet on the corrected form.
 */
import { describe, expect, it } from 'vitest';
import { ALL_FEATURES, lintSource, parseWithFacts } from '../../src/dockerfile/index.js';

function lint(text: string): string[] {
  const { dockerfile, facts } = parseWithFacts(text, 'Dockerfile', { features: ALL_FEATURES });
  return lintSource(dockerfile, facts).map((f) => `${f.loc.line}: ${f.rule}: ${f.message}`);
}

describe('parse-time lint rules', () => {
  it.each([
    ['StageNameCasing', 'FROM scratch AS Builder\n', ["1: StageNameCasing: Stage name 'Builder' should be lowercase"]],
    ['StageNameCasing quiet', 'FROM scratch AS builder\n', []],
    ['FromAsCasing (upper FROM, lower as)', 'FROM scratch as base\n', ["1: FromAsCasing: 'as' and 'FROM' keywords' casing do not match"]],
    ['FromAsCasing (lower from, upper AS)', 'from scratch AS base\n', ["1: FromAsCasing: 'AS' and 'from' keywords' casing do not match"]],
    ['FromAsCasing quiet (lower)', 'from scratch as base\n', []],
    ['FromAsCasing quiet (upper)', 'FROM scratch AS base\n', []],
    [
      'FromAsCasing leaves a mixed-case FROM to ConsistentInstructionCasing',
      'From scratch as base\nRUN x\n',
      ["1: ConsistentInstructionCasing: Command 'From' should match the case of the command majority (uppercase)"],
    ],
    ['NoEmptyContinuation, at the continuation\'s last line', 'FROM scratch\nRUN a \\\n\n  b \\\n  c\n', ['5: NoEmptyContinuation: Empty continuation line']],
    ['NoEmptyContinuation quiet with a comment line', 'FROM scratch\nRUN a \\\n# note\n  b\n', []],
    [
      'ConsistentInstructionCasing against an upper-case majority',
      'FROM scratch\nrun a\nCOPY a b\n',
      ["2: ConsistentInstructionCasing: Command 'run' should match the case of the command majority (uppercase)"],
    ],
    [
      'ConsistentInstructionCasing against a lower-case majority',
      'from scratch\nrun a\nCOPY a b\n',
      ["3: ConsistentInstructionCasing: Command 'COPY' should match the case of the command majority (lowercase)"],
    ],
    ['ConsistentInstructionCasing ignores global ARGs', 'arg A=1\nFROM scratch\nRUN a\n', []],
    [
      'ReservedStageName',
      'FROM scratch AS scratch\nFROM scratch AS context\n',
      ['1: ReservedStageName: Stage name should not use the same name as reserved stage "scratch"', '2: ReservedStageName: Stage name should not use the same name as reserved stage "context"'],
    ],
    ['MaintainerDeprecated', 'FROM scratch\nMAINTAINER me\n', ['2: MaintainerDeprecated: Maintainer instruction is deprecated in favor of using label']],
  ])('%s', (_name, text, expected) => {
    expect(lint(text)).toEqual(expected);
  });

  it('InvalidDefinitionDescription: the comment right above a FROM or ARG must start with its name', () => {
    expect(lint('# a comment\nFROM scratch AS base\n# VERSION the version\nARG VERSION=1\n# other words\nARG A B\n')).toEqual([
      '2: InvalidDefinitionDescription: Comment for FROM should follow the format: `# base <description>`',
      '6: InvalidDefinitionDescription: Comment for ARG should follow the format: `# <arg_key> <description>`',
    ]);
    // A blank line, or a bare `#`, ends a description; directives are never one.
    expect(lint('# check=skip=all\nFROM scratch AS base\n# unrelated\n\nARG X\n# unrelated\n#\nARG Y\n')).toEqual([]);
  });

  it('is quiet on a clean Dockerfile', () => {
    expect(lint('ARG BASE=scratch\nFROM ${BASE} AS build\nCOPY a /a\nFROM scratch\nCOPY --from=build /a /a\nCMD ["/a"]\n')).toEqual([]);
  });
});
