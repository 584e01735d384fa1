import { describe, expect, it } from 'vitest';
import { DockerfileError, parseDockerfile, planBuild } from '../../src/dockerfile/index.js';
import { UsageError } from '../../src/oci/index.js';

const args = (o: Record<string, string> = {}) => new Map(Object.entries(o));
const plan = (text: string, opts: { target?: string; buildArgs?: Record<string, string>; builtin?: Record<string, string> } = {}) =>
  planBuild(parseDockerfile(text), {
    buildArgs: args(opts.buildArgs),
    ...(opts.target === undefined ? {} : { target: opts.target }),
    ...(opts.builtin === undefined ? {} : { builtinArgs: args(opts.builtin) }),
  });

function planError(text: string, opts: Parameters<typeof plan>[1] = {}): DockerfileError {
  try {
    plan(text, opts);
  } catch (err) {
    if (err instanceof DockerfileError) return err;
    throw err;
  }
  throw new Error('expected a DockerfileError');
}

const MULTI = `ARG GO=1.22
FROM golang:\${GO} AS Build
RUN go build
FROM alpine AS unused
RUN echo never
FROM build AS test
RUN go test
FROM scratch AS final
COPY --from=BUILD /out/app /app
COPY --from=0 /etc/passwd /etc/passwd
COPY --from=busybox:1.36 /bin/busybox /busybox
`;

describe('planBuild', () => {
  it('expands FROM with global ARG defaults, and build args override them', () => {
    expect(plan(MULTI).stages[0]?.base).toEqual({ kind: 'image', ref: 'golang:1.22' });
    const p = plan(MULTI, { buildArgs: { GO: '1.23' } });
    expect(p.stages[0]?.base).toEqual({ kind: 'image', ref: 'golang:1.23' });
    expect([...p.globalArgs]).toEqual([['GO', '1.23']]);
  });

  it('shows FROM only the ARGs declared before the first FROM', () => {
    const p = plan('ARG A=alpine\nFROM $A\nARG B=debian\nFROM ${B:-busybox}\n', { buildArgs: { C: 'x', B: 'ignored' } });
    expect(p.target.base).toEqual({ kind: 'image', ref: 'busybox' });
    expect(p.stages).toHaveLength(1);
    expect(plan('FROM ${C:-fallback}\n', { buildArgs: { C: 'undeclared' } }).target.base).toEqual({ kind: 'image', ref: 'fallback' });
  });

  it('expands a global ARG default with the ARGs declared before it', () => {
    const p = plan('ARG REG=example.com\nARG IMG=${REG}/app\nARG EMPTY\nFROM $IMG\n');
    expect([...p.globalArgs]).toEqual([['REG', 'example.com'], ['IMG', 'example.com/app']]);
    expect(p.target.base).toEqual({ kind: 'image', ref: 'example.com/app' });
  });

  it('makes builtin platform ARGs visible to FROM without a declaration', () => {
    const p = plan('FROM img:${TARGETARCH}\n', { builtin: { TARGETARCH: 'arm64' } });
    expect(p.target.base).toEqual({ kind: 'image', ref: 'img:arm64' });
    expect(p.globalArgs.size).toBe(0);
  });

  it('resolves stage names case-insensitively, scratch, and images', () => {
    const p = plan(MULTI, { target: 'TEST' });
    expect(p.target.base).toEqual({ kind: 'stage', index: 0 });
    const final = plan(MULTI);
    expect(final.target.base).toEqual({ kind: 'scratch' });
  });

  it('maps COPY --from to a stage by name or index, or to an image', () => {
    const final = plan(MULTI).target;
    expect([...final.copyFrom]).toEqual([
      ['BUILD', { kind: 'stage', index: 0 }],
      ['0', { kind: 'stage', index: 0 }],
      ['busybox:1.36', { kind: 'image', ref: 'busybox:1.36' }],
    ]);
  });

  it('keeps only the stages the target needs, in dependency order', () => {
    expect(plan(MULTI).stages.map((s) => s.index)).toEqual([0, 3]);
    expect(plan(MULTI, { target: 'test' }).stages.map((s) => s.name)).toEqual(['build', 'test']);
    expect(plan(MULTI, { target: 'unused' }).stages.map((s) => s.name)).toEqual(['unused']);
  });

  it('treats FROM x AS x as the image x, as BuildKit does', () => {
    expect(plan('FROM nginx AS nginx\n').target.base).toEqual({ kind: 'image', ref: 'nginx' });
  });

  it('rejects an unknown --target with a suggestion', () => {
    expect(() => plan(MULTI, { target: 'fnal' })).toThrow(UsageError);
    expect(() => plan(MULTI, { target: 'fnal' })).toThrow('target stage "fnal" could not be found (did you mean final?)');
  });

  it.each([
    ['FROM alpine\nFROM later\nFROM alpine AS later\n', 2, 'is defined later'],
    ['FROM alpine AS a\nCOPY --from=a /x /y\n', 2, 'refers to its own stage'],
    ['FROM alpine AS a\nCOPY --from=b /x /y\nFROM alpine AS b\n', 2, 'defined later'],
    ['FROM alpine\nCOPY --from=1 /x /y\nFROM alpine\n', 2, 'defined later'],
    ['FROM alpine\nCOPY --from=7 /x /y\n', 2, 'invalid stage index 7'],
    ['ARG S=a\nFROM alpine AS a\nFROM alpine\nCOPY --from=$S /x /y\n', 4, 'variable expansion is not supported for --from'],
    ['ARG EMPTY=\nFROM $EMPTY\n', 2, 'should not be blank'],
  ])('rejects %j at line %i', (text, line, contains) => {
    const err = planError(text);
    expect(err.code).toBe('TSB_DOCKERFILE_SYNTAX');
    expect(err.line).toBe(line);
    expect(err.message).toContain(contains);
  });

  it('reports expansion errors with the line of the ARG or FROM', () => {
    const err = planError('ARG A="${TOKEN:?is required}"\nFROM alpine\n');
    expect(err.code).toBe('TSB_DOCKERFILE_EXPAND');
    expect(err.line).toBe(1);
    expect(err.message).toContain('TOKEN: is required');
    expect(planError('FROM ${X\n').line).toBe(1);
  });
});
