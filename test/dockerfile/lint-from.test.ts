/**
 * The FROM-line lint rules, which need the global ARGs: each fires where BuildKit's does, with
 * its exact message and line, on every stage (built or not), and stays quiet otherwise.
 */
import { describe, expect, it } from 'vitest';
import { lintFromLines, parseDockerfile } from '../../src/dockerfile/index.js';

const BUILTINS = new Map([
  ['TARGETPLATFORM', 'linux/amd64'],
  ['TARGETOS', 'linux'],
  ['TARGETARCH', 'amd64'],
  ['BUILDPLATFORM', 'linux/amd64'],
]);

/** Lints `text` as a build would, with `globals` as the resolved global ARGs (over the platform ARGs). */
function lint(text: string, globals: Record<string, string> = {}): string[] {
  const df = parseDockerfile(text);
  const all = new Map([...BUILTINS, ...Object.entries(globals)]);
  return lintFromLines(df, { globals: all, builtins: BUILTINS }).map((f) => `${f.loc.line}: ${f.rule}: ${f.message}`);
}

describe('FROM-line lint rules', () => {
  it.each([
    ['UndefinedArgInFrom', 'FROM alpine$TAG\n', {}, ["1: UndefinedArgInFrom: FROM argument 'TAG' is not declared"]],
    [
      'UndefinedArgInFrom with a suggestion',
      'ARG VERSION=3\nFROM alpine${VERSIN}\n',
      { VERSION: '3' },
      ["2: UndefinedArgInFrom: FROM argument 'VERSIN' is not declared (did you mean VERSION?)"],
    ],
    ['UndefinedArgInFrom quiet for a declared ARG without value', 'ARG TAG\nFROM alpine${TAG:+:$TAG}\n', {}, []],
    ['UndefinedArgInFrom quiet for platform ARGs', 'FROM --platform=$BUILDPLATFORM alpine\n', {}, []],
    [
      'RedundantTargetPlatform',
      'FROM --platform=$TARGETPLATFORM alpine\n',
      {},
      ['1: RedundantTargetPlatform: Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior'],
    ],
    [
      'FromPlatformFlagConstDisallowed',
      'FROM --platform=linux/amd64 alpine AS build\n',
      {},
      ['1: FromPlatformFlagConstDisallowed: FROM --platform flag should not use constant value "linux/amd64"'],
    ],
    ['FromPlatformFlagConstDisallowed quiet when the stage name says the platform', 'FROM --platform=linux/amd64 alpine AS build-amd64\n', {}, []],
    [
      'InvalidDefaultArgInFrom, on a stage that may not even be built',
      'ARG TAG\nFROM alpine:${TAG}\nFROM scratch\n',
      { TAG: '3.20' },
      ['2: InvalidDefaultArgInFrom: Default value for ARG alpine:${TAG} results in empty or invalid base image name'],
    ],
    ['InvalidDefaultArgInFrom quiet with a default', 'ARG TAG=3.20\nFROM alpine:${TAG}\n', { TAG: '3.20' }, []],
  ])('%s', (_name, text, globals, expected) => {
    expect(lint(text, globals)).toEqual(expected);
  });
});
