/** ARG/ENV precedence as BuildKit applies it, as an input | expected table over real scopes. */
import { describe, expect, it } from 'vitest';
import { ArgScope, envLookup, runEnvironment } from '../../src/build/arg-scope.js';
import { platformArgs, stageGlobals } from '../../src/build/platform-args.js';

type Step = { arg: string; default?: string } | { env: string; value: string };

interface Case {
  readonly name: string;
  readonly buildArgs?: Record<string, string>;
  readonly globals?: Record<string, string>;
  readonly baseEnv?: string[];
  readonly steps: Step[];
  /** name → what `$name` expands to after the steps (undefined: unset). */
  readonly expect: Record<string, string | undefined>;
}

const CASES: Case[] = [
  { name: 'undeclared global is invisible', globals: { G: 'g' }, steps: [], expect: { G: undefined } },
  { name: 'redeclared global takes its value', globals: { G: 'g' }, steps: [{ arg: 'G' }], expect: { G: 'g' } },
  { name: 'stage default beats global', globals: { G: 'g' }, steps: [{ arg: 'G', default: 'd' }], expect: { G: 'd' } },
  { name: 'build arg beats default and global', buildArgs: { G: 'b' }, globals: { G: 'g' }, steps: [{ arg: 'G', default: 'd' }], expect: { G: 'b' } },
  { name: 'build arg without ARG is invisible', buildArgs: { X: 'b' }, steps: [], expect: { X: undefined } },
  { name: 'proxy build arg is not expanded undeclared', buildArgs: { HTTP_PROXY: 'p' }, steps: [], expect: { HTTP_PROXY: undefined } },
  { name: 'ENV after ARG wins', steps: [{ arg: 'V', default: 'arg' }, { env: 'V', value: 'env' }], expect: { V: 'env' } },
  { name: 'ARG after ENV wins', steps: [{ env: 'V', value: 'env' }, { arg: 'V', default: 'arg' }], expect: { V: 'arg' } },
  { name: 'ARG after base ENV wins', baseEnv: ['V=base'], steps: [{ arg: 'V', default: 'arg' }], expect: { V: 'arg' } },
  { name: 'valueless ARG keeps base ENV', baseEnv: ['V=base'], steps: [{ arg: 'V' }], expect: { V: 'base' } },
  { name: 'ARG, ENV, ARG: last wins', steps: [{ arg: 'V', default: 'a1' }, { env: 'V', value: 'e' }, { arg: 'V', default: 'a2' }], expect: { V: 'a2' } },
  { name: 'build arg after ENV wins', buildArgs: { V: 'cli' }, baseEnv: ['V=base'], steps: [{ arg: 'V' }], expect: { V: 'cli' } },
];

function apply(c: Case): { env: string[]; args: ArgScope } {
  let env = [...(c.baseEnv ?? [])];
  let args = ArgScope.forStage(new Map(Object.entries(c.buildArgs ?? {})), new Map(Object.entries(c.globals ?? {})));
  for (const step of c.steps) {
    if ('arg' in step) args = args.declare(step.arg, step.default);
    else {
      env = [...env.filter((kv) => !kv.startsWith(`${step.env}=`)), `${step.env}=${step.value}`];
      args = args.afterEnv([step.env]);
    }
  }
  return { env, args };
}

describe('ArgScope', () => {
  it.each(CASES)('$name', (c) => {
    const { env, args } = apply(c);
    const lookup = envLookup(env, args);
    for (const [name, value] of Object.entries(c.expect)) expect(lookup(name)).toBe(value);
  });

  it("gives RUN the ENV list with shadowing ARGs replacing values, other ARGs and proxies added", () => {
    const { env, args } = apply({
      name: '',
      buildArgs: { HTTP_PROXY: 'http://p', NO_PROXY: 'x' },
      baseEnv: ['PATH=/bin', 'V=base', 'NO_PROXY=env'],
      steps: [{ arg: 'V', default: 'arg' }, { arg: 'W', default: 'w' }, { env: 'W', value: 'env-w' }],
      expect: {},
    });
    expect(runEnvironment(env, args)).toEqual(['PATH=/bin', 'V=arg', 'NO_PROXY=env', 'W=env-w', 'HTTP_PROXY=http://p']);
  });
});

describe('platform ARGs', () => {
  it('names the target and build platforms as BuildKit does', () => {
    const args = platformArgs({ os: 'linux', architecture: 'arm', variant: 'v7' }, { os: 'linux', architecture: 'amd64' });
    expect(Object.fromEntries(args)).toEqual({
      TARGETPLATFORM: 'linux/arm/v7', TARGETOS: 'linux', TARGETARCH: 'arm', TARGETVARIANT: 'v7',
      BUILDPLATFORM: 'linux/amd64', BUILDOS: 'linux', BUILDARCH: 'amd64', BUILDVARIANT: '',
    });
  });

  it('are stage globals under declared globals, overridden by build args', () => {
    const globals = stageGlobals(platformArgs({ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'amd64' }), new Map([['TARGETOS', 'cli']]), new Map([['TARGETARCH', 'declared']]));
    const scope = ArgScope.forStage(new Map(), globals).declare('TARGETOS', undefined).declare('TARGETARCH', undefined).declare('BUILDARCH', undefined);
    expect([scope.get('TARGETOS'), scope.get('TARGETARCH'), scope.get('BUILDARCH')]).toEqual(['cli', 'declared', 'amd64']);
  });
});
