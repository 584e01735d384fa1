/**
 * ARG / ENV scoping through bin/tsbuild, as BuildKit does it: global ARGs reach a stage only when
 * redeclared, platform ARGs are global without a declaration and need `ARG NAME` inside a stage,
 * --build-arg overrides defaults, ARG and ENV of one name are order-dependent (the later wins),
 * and proxy build args reach RUN without landing in the config or the history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { E2eHarness } from '../build/e2e-harness.js';

let h: E2eHarness;
beforeAll(async () => {
  h = await E2eHarness.start();
});
afterAll(async () => h?.stop());

const DOCKERFILE = `ARG BASE
ARG GLOBAL=global-default
FROM \${BASE}
RUN echo "[$TARGETARCH][$GLOBAL]" > /undeclared.txt
ARG TARGETPLATFORM
ARG TARGETARCH
ARG BUILDPLATFORM
ARG TARGETVARIANT
ARG GLOBAL
ARG OVERRIDE=default
ENV FROMENV=env-value
ARG FROMENV=arg-after-env
RUN echo "$TARGETPLATFORM $TARGETARCH $BUILDPLATFORM [$TARGETVARIANT] $GLOBAL $OVERRIDE $FROMENV" > /args.txt
ENV LATER=$FROMENV
ENV FROMENV=env-again
RUN echo "$FROMENV" > /env-again.txt && echo "$HTTP_PROXY" > /proxy.txt
LABEL expanded=$GLOBAL-$OVERRIDE-$FROMENV
`;

describe('ARG and ENV scoping (e2e)', () => {
  it('follows BuildKit for globals, platform ARGs, build args, ARG/ENV order and proxies', async () => {
    const { run, rootfs, config } = await h.build({ Dockerfile: DOCKERFILE }, [
      '--build-arg', 'OVERRIDE=cli',
      '--build-arg', 'HTTP_PROXY=http://proxy.invalid:3128',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const read = (p: string) => readFileSync(join(rootfs, p), 'utf8');
    expect(read('undeclared.txt')).toBe('[][]\n');
    expect(read('args.txt')).toBe('linux/amd64 amd64 linux/amd64 [] global-default cli arg-after-env\n');
    expect(config.config.Env).toContain('LATER=arg-after-env');
    expect(config.config.Env).toContain('FROMENV=env-again');
    expect(read('env-again.txt')).toBe('env-again\n');
    expect(read('proxy.txt')).toBe('http://proxy.invalid:3128\n');
    expect(config.config.Labels).toEqual({ expanded: 'global-default-cli-env-again' });
    expect(JSON.stringify(config)).not.toContain('proxy.invalid');
    expect(run.stderr).not.toMatch(/not consumed/);
  });

  it('lets --build-arg override a platform ARG declared in a stage', async () => {
    const { run, rootfs } = await h.build(
      { Dockerfile: `ARG BASE\nFROM \${BASE%:*}:latest\nARG TARGETOS\nRUN echo "$TARGETOS" > /os.txt\n` },
      ['--build-arg', 'TARGETOS=custom'],
    );
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(join(rootfs, 'os.txt'), 'utf8')).toBe('custom\n');
  });

  it('accepts FROM --platform=$BUILDPLATFORM and refuses another platform at its line', async () => {
    const ok = await h.build({ Dockerfile: 'ARG BASE\nFROM --platform=$BUILDPLATFORM ${BASE}\nRUN true\n' });
    expect(ok.run.code, ok.run.stderr).toBe(0);
    const other = await h.build({ Dockerfile: 'ARG BASE\nFROM --platform=linux/s390x ${BASE}\nRUN true\n' });
    expect(other.run.code).toBe(1);
    expect(other.run.stderr).toMatch(/Dockerfile:2/);
    expect(other.run.stderr).toMatch(/linux\/s390x/);
  });
});
