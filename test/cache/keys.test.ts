/**
 * Cache keys as tables: what changes a key and what must not. Keys are plain data in, plain data
 * out, so these are pure tests of the rules in src/cache/keys.ts's header.
 */
import { describe, expect, it } from 'vitest';
import { stageSourceDigest, stageStartKey, stepKey, type CacheKey, type StepKeyInput } from '../../src/cache/index.js';
import { DEFAULT_PLATFORM, MediaType, parseDigest } from '../../src/oci/index.js';
// The executor's own ARG scope decides what is "in scope"; the keys are fed from it.
import { ArgScope, runEnvironment } from '../../src/build/arg-scope.js';

const BASE = parseDigest(`sha256:${'a'.repeat(64)}`);
const OTHER_BASE = parseDigest(`sha256:${'b'.repeat(64)}`);
const GZIP = { mediaType: MediaType.ociLayerGzip, compression: 'gzip-6' };

const steps: StepKeyInput[] = [
  { instruction: 'RUN ["/bin/sh","-c","apt-get update"]', env: ['PATH=/bin', 'VERSION=1'], args: new Map([['VERSION', '1']]), user: '', workdir: '/', shell: ['/bin/sh', '-c'] },
  { instruction: 'COPY app/ /app/', workdir: '/', inputs: `sha256:${'c'.repeat(64)}` },
  { instruction: 'RUN ["/bin/sh","-c","make"]', env: ['PATH=/bin', 'VERSION=1'], args: new Map([['VERSION', '1']]), user: 'app', workdir: '/app' },
];

function chainKeys(start: CacheKey, list: readonly StepKeyInput[]): CacheKey[] {
  const keys: CacheKey[] = [];
  let prev = start;
  for (const step of list) keys.push((prev = stepKey(prev, step)));
  return keys;
}

const start = stageStartKey({ kind: 'image', digest: BASE }, DEFAULT_PLATFORM, GZIP);
const baseline = chainKeys(start, steps);

describe('stage start keys', () => {
  it('are sha256 keys, stable across calls', () => {
    expect(start).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(stageStartKey({ kind: 'image', digest: BASE }, DEFAULT_PLATFORM, GZIP)).toBe(start);
  });

  it.each([
    ['another base digest', stageStartKey({ kind: 'image', digest: OTHER_BASE }, DEFAULT_PLATFORM, GZIP)],
    ['scratch', stageStartKey({ kind: 'scratch' }, DEFAULT_PLATFORM, GZIP)],
    ['a stage base', stageStartKey({ kind: 'stage', finalKey: baseline[2]! }, DEFAULT_PLATFORM, GZIP)],
    ['another platform', stageStartKey({ kind: 'image', digest: BASE }, { os: 'linux', architecture: 'arm64' }, GZIP)],
    ['another layer media type', stageStartKey({ kind: 'image', digest: BASE }, DEFAULT_PLATFORM, { ...GZIP, mediaType: MediaType.dockerLayerGzip })],
    ['another compression', stageStartKey({ kind: 'image', digest: BASE }, DEFAULT_PLATFORM, { ...GZIP, compression: 'gzip-1' })],
    ['a --reproducible clamp', stageStartKey({ kind: 'image', digest: BASE }, DEFAULT_PLATFORM, { ...GZIP, clampMtime: 0 })],
  ])('differ for %s', (_what, other) => {
    expect(other).not.toBe(start);
  });

  it('a changed base digest changes every step key', () => {
    const moved = chainKeys(stageStartKey({ kind: 'image', digest: OTHER_BASE }, DEFAULT_PLATFORM, GZIP), steps);
    moved.forEach((key, i) => expect(key).not.toBe(baseline[i]));
  });

  it('a stage built on another stage changes when that stage changes', () => {
    const changedProducer = chainKeys(start, [steps[0]!, { ...steps[1]!, inputs: `sha256:${'d'.repeat(64)}` }, steps[2]!]);
    const onStage = (finalKey: CacheKey) => stepKey(stageStartKey({ kind: 'stage', finalKey }, DEFAULT_PLATFORM, GZIP), steps[0]!);
    expect(onStage(changedProducer[2]!)).not.toBe(onStage(baseline[2]!));
  });
});

describe('step keys', () => {
  const variants: [string, number, StepKeyInput][] = [
    ['a changed ENV value', 0, { ...steps[0]!, env: ['PATH=/bin', 'VERSION=2'] }],
    ['a changed declared ARG', 0, { ...steps[0]!, args: new Map([['VERSION', '2']]) }],
    ['a newly declared ARG in scope', 0, { ...steps[0]!, args: new Map([['VERSION', '1'], ['GIT_SHA', 'abc']]) }],
    ['another user', 0, { ...steps[0]!, user: 'app' }],
    ['another workdir', 0, { ...steps[0]!, workdir: '/src' }],
    ['another shell', 0, { ...steps[0]!, shell: ['/bin/bash', '-c'] }],
    ['another instruction text', 0, { ...steps[0]!, instruction: 'RUN ["/bin/sh","-c","apt-get update "]' }],
    ['changed COPY inputs', 1, { ...steps[1]!, inputs: `sha256:${'d'.repeat(64)}` }],
    ['an empty env instead of none', 1, { ...steps[1]!, env: [] }],
  ];

  it.each(variants)('%s changes that key and every later one, not the earlier ones', (_what, at, changed) => {
    const list = steps.map((s, i) => (i === at ? changed : s));
    const keys = chainKeys(start, list);
    keys.forEach((key, i) => (i < at ? expect(key).toBe(baseline[i]) : expect(key).not.toBe(baseline[i])));
  });

  it('a --build-arg no ARG in scope declares changes no key; a declared one does', () => {
    const runKey = (buildArgs: [string, string][]) => {
      const scope = ArgScope.forStage(new Map(buildArgs), new Map()).declare('VERSION', '1');
      return stepKey(start, { instruction: 'RUN make', env: runEnvironment(['PATH=/bin'], scope), args: new Map(scope.entries()) });
    };
    expect(runKey([['GIT_SHA', 'abc123']])).toBe(runKey([]));
    expect(runKey([['VERSION', '2']])).not.toBe(runKey([]));
    expect(runKey([['HTTP_PROXY', 'http://proxy:3128']])).not.toBe(runKey([]));
  });

  it('ARG order does not matter, values do', () => {
    const a = stepKey(start, { instruction: 'RUN x', args: new Map([['A', '1'], ['B', '2']]) });
    const b = stepKey(start, { instruction: 'RUN x', args: new Map([['B', '2'], ['A', '1']]) });
    expect(a).toBe(b);
  });

  it('field boundaries cannot be shifted to forge a collision', () => {
    const a = stepKey(start, { instruction: 'RUN a', env: ['X=1,Y=2'] });
    const b = stepKey(start, { instruction: 'RUN a', env: ['X=1', 'Y=2'] });
    expect(a).not.toBe(b);
    expect(stepKey(start, { instruction: 'RUN a', user: '' })).not.toBe(stepKey(start, { instruction: 'RUN a' }));
  });

  it('labels have no field: a --label cannot reach a key', () => {
    const keysOf = Object.keys(steps[0]!).sort();
    expect(keysOf.some((k) => /label/i.test(k))).toBe(false);
  });

  it('COPY --from=<stage> inputs follow the stage definition and the patterns', () => {
    const a = stageSourceDigest(baseline[2]!, ['/out/app']);
    expect(stageSourceDigest(baseline[2]!, ['/out/app'])).toBe(a);
    expect(stageSourceDigest(baseline[1]!, ['/out/app'])).not.toBe(a);
    expect(stageSourceDigest(baseline[2]!, ['/out/lib'])).not.toBe(a);
  });
});
