/**
 * The dispatch-time lint rules, given the facts a build has (base image ENV and SHELL, build
 * args, .dockerignore): each fires where BuildKit's does, with its exact message and line.
 */
import { describe, expect, it } from 'vitest';
import {
  ALL_FEATURES,
  baseImagePlatformFindings,
  childStart,
  imageStart,
  lintStage,
  parseWithFacts,
  type StageLintContext,
  type StageStart,
} from '../../src/dockerfile/index.js';

const lines = (fs: readonly { loc: { line: number }; rule: string; message: string }[]) => fs.map((f) => `${f.loc.line}: ${f.rule}: ${f.message}`);

/** Lints the last stage of `text` from a base image with `env` and `shell`. */
function lint(text: string, opts: { env?: string[]; shell?: string[]; buildArgs?: Record<string, string>; ignored?: (p: string) => boolean } = {}): string[] {
  const { dockerfile, facts } = parseWithFacts(text, 'Dockerfile', { features: ALL_FEATURES });
  const ctx: StageLintContext = {
    escape: '\\',
    buildArgs: new Map(Object.entries(opts.buildArgs ?? {})),
    globals: new Map([['TARGETARCH', 'amd64']]),
    facts,
    ...(opts.ignored ? { ignored: opts.ignored } : {}),
  };
  const start: StageStart = imageStart({ Env: opts.env ?? [], Shell: opts.shell ?? [] }, []);
  const stage = dockerfile.stages[dockerfile.stages.length - 1]!;
  return lines(lintStage(stage, start, ctx).findings);
}

describe('dispatch-time lint rules', () => {
  it.each([
    ['UndefinedVar', 'FROM x\nENV A=$NOPE\n', {}, ["2: UndefinedVar: Usage of undefined variable '$NOPE'"]],
    ['UndefinedVar with a suggestion from the env', 'FROM x\nCOPY $APP_DIRR /x\n', { env: ['APP_DIR=/a'] }, ["2: UndefinedVar: Usage of undefined variable '$APP_DIRR' (did you mean $APP_DIR?)"]],
    ['UndefinedVar: all words of an ENV see the env before it', 'FROM x\nENV A=1 B=$A\n', {}, ["2: UndefinedVar: Usage of undefined variable '$A'"]],
    ['UndefinedVar quiet: base ENV, PATH, declared ARGs (even without value), ENV', 'FROM x\nARG V\nENV P=$PATH:$BASE W=$V\nWORKDIR $P\nUSER $W\n', { env: ['BASE=1'] }, []],
    ['UndefinedVar quiet for RUN and CMD (the shell expands those)', 'FROM x\nRUN echo $NOPE\nCMD ["$NOPE"]\n', {}, []],
    ['WorkdirRelativePath', 'FROM x\nWORKDIR app\nWORKDIR sub\n', {}, ['2: WorkdirRelativePath: Relative workdir "app" can have unexpected results if the base image changes']],
    ['WorkdirRelativePath quiet after an absolute WORKDIR', 'FROM x\nWORKDIR /app\nWORKDIR sub\n', {}, []],
    ['JSONArgsRecommended', 'FROM x\nENTRYPOINT run.sh\n', {}, ['2: JSONArgsRecommended: JSON arguments recommended for ENTRYPOINT to prevent unintended behavior related to OS signals']],
    ['JSONArgsRecommended quiet when a SHELL is set (here or by the base)', 'FROM x\nSHELL ["/bin/bash", "-c"]\nCMD run.sh\n', {}, []],
    ['JSONArgsRecommended quiet with a base image SHELL', 'FROM x\nCMD run.sh\n', { shell: ['/bin/ash', '-c'] }, []],
    [
      'MultipleInstructionsDisallowed, reported at the earlier one',
      'FROM x\nCMD ["a"]\nHEALTHCHECK NONE\nCMD ["b"]\n',
      {},
      ['2: MultipleInstructionsDisallowed: Multiple CMD instructions should not be used in the same stage because only the last one will be used'],
    ],
    ['LegacyKeyValueFormat', 'FROM x\nENV A 1\n', {}, ['2: LegacyKeyValueFormat: "ENV key=value" should be used instead of legacy "ENV key value" format']],
    ['LegacyKeyValueFormat with the keyword as written', 'FROM x\nlabel a b\n', {}, ['2: LegacyKeyValueFormat: "label key=value" should be used instead of legacy "label key value" format']],
    [
      'SecretsUsedInArgOrEnv',
      'FROM x\nARG GITHUB_TOKEN\nENV db_password=x PUBLIC_KEY=y\n',
      {},
      [
        '2: SecretsUsedInArgOrEnv: Do not use ARG or ENV instructions for sensitive data (ARG "GITHUB_TOKEN")',
        '3: SecretsUsedInArgOrEnv: Do not use ARG or ENV instructions for sensitive data (ENV "db_password")',
      ],
    ],
    ['ExposeProtoCasing', 'FROM x\nARG P=53\nEXPOSE $P/UDP 80/tcp\n', {}, ["3: ExposeProtoCasing: Defined protocol '53/UDP' in EXPOSE instruction should be lowercase"]],
    [
      'ExposeInvalidFormat',
      'FROM x\nEXPOSE 127.0.0.1:80:80 8080:80\n',
      {},
      [
        "2: ExposeInvalidFormat: EXPOSE instruction should not define an IP address or host-port mapping, found '127.0.0.1:80:80'",
        "2: ExposeInvalidFormat: EXPOSE instruction should not define an IP address or host-port mapping, found '8080:80'",
      ],
    ],
  ])('%s', (_name, text, opts, expected) => {
    expect(lint(text, opts)).toEqual(expected);
  });

  it('ARG values follow build args, defaults and globals as BuildKit dispatches them', () => {
    expect(lint('FROM x\nARG A=$NOPE\nARG B=$NOPE\nARG TARGETARCH\nENV C=$A$B$TARGETARCH\n', { buildArgs: { A: 'given' } })).toEqual([
      "3: UndefinedVar: Usage of undefined variable '$NOPE'",
    ]);
  });

  it('CopyIgnoredFile: context sources the .dockerignore excludes, not --from ones', () => {
    const ignored = (p: string) => p === 'secret.txt';
    expect(lint('FROM x\nCOPY ./secret.txt other /d/\nCOPY --from=y secret.txt /d/\nADD secret.txt /d/\n', { ignored })).toEqual([
      '2: CopyIgnoredFile: Attempting to Copy file "secret.txt" that is excluded by .dockerignore',
      '4: CopyIgnoredFile: Attempting to Add file "secret.txt" that is excluded by .dockerignore',
    ]);
  });

  it('carries ENV, ARGs, SHELL and WORKDIR into a stage built FROM this one, and runs its ONBUILD first', () => {
    const text = 'FROM x AS base\nARG V=1\nWORKDIR /w\nSHELL ["/bin/sh","-c"]\nONBUILD ENV X=$V\nFROM base\nWORKDIR rel\nCMD run\nENV Y=$V$NOPE\n';
    const { dockerfile, facts } = parseWithFacts(text, 'Dockerfile', { features: ALL_FEATURES });
    const ctx: StageLintContext = { escape: '\\', buildArgs: new Map(), globals: new Map(), facts };
    const [base, child] = dockerfile.stages;
    const parent = lintStage(base!, imageStart({}, []), ctx);
    expect(parent.end.onbuild).toEqual(['ENV X=$V']);
    const trigger = { kind: 'ENV', loc: child!.from.loc, original: 'ENV X=$NOPE2', pairs: [{ key: 'X', value: '$NOPE2' }] } as const;
    expect(lines(lintStage(child!, childStart(parent.end, [trigger]), ctx).findings)).toEqual([
      "6: UndefinedVar: Usage of undefined variable '$NOPE2'",
      "9: UndefinedVar: Usage of undefined variable '$NOPE'",
    ]);
  });

  it('InvalidBaseImagePlatform compares OS and architecture, printed as containerd normalises them', () => {
    const loc = { file: 'Dockerfile', line: 3, endLine: 3 };
    expect(lines(baseImagePlatformFindings(loc, 'alpine', { os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm', variant: '7' }))).toEqual([
      '3: InvalidBaseImagePlatform: Base image alpine was pulled with platform "linux/arm/v7", expected "linux/amd64" for current build',
    ]);
    expect(baseImagePlatformFindings(loc, 'alpine', { os: 'linux', architecture: 'arm64' }, { os: 'linux', architecture: 'arm64', variant: 'v8' })).toEqual([]);
  });
});
