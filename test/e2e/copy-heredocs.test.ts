/**
 * COPY/ADD heredocs through bin/tsbuild (BuildKit semantics): each body becomes a file named
 * after its delimiter (or the destination), 0644 root-owned unless --chmod / --chown, with
 * missing parents created 0755; an unquoted delimiter expands ENV and ARGs with backslash
 * escapes and leaves quotes alone, a quoted one keeps the body verbatim, `<<-` strips tabs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { E2eHarness } from '../build/e2e-harness.js';

let h: E2eHarness;
beforeAll(async () => {
  h = await E2eHarness.start();
});
afterAll(async () => {
  await h?.stop();
});

const DOCKERFILE = `ARG BASE
FROM \${BASE}
ENV NAME=world
ARG GREETING=hello
COPY <<EOF /greet/expanded.txt
$GREETING \${NAME} "q" '$NAME' \\$NAME
EOF
COPY <<"EOF" /greet/quoted.txt
$GREETING \${NAME}
EOF
COPY <<-EOF /greet/tabs.txt
\tindented $NAME
\t\tdeeper
\tEOF
COPY <<one.txt <<two.txt /multi/deep/
first
one.txt
second $NAME
two.txt
COPY --chmod=0755 --chown=1000:1001 <<EOF /owned/run.sh
#!/bin/sh
EOF
ADD <<EOF /added.txt
added $NAME
EOF
WORKDIR /w
COPY <<EOF rel.txt
rel
EOF
`;

describe('COPY/ADD heredocs (e2e)', () => {
  it('writes each body as a file with BuildKit modes, owners and expansion rules', async () => {
    const { run, rootfs, config } = await h.build({ Dockerfile: DOCKERFILE });
    expect(run.code, run.stderr).toBe(0);
    const at = (p: string) => join(rootfs, p);
    const read = (p: string) => readFileSync(at(p), 'utf8');
    const st = (p: string) => lstatSync(at(p));
    expect(read('greet/expanded.txt')).toBe(`hello world "q" 'world' $NAME\n`);
    expect(read('greet/quoted.txt')).toBe('$GREETING ${NAME}\n');
    expect(read('greet/tabs.txt')).toBe('indented world\ndeeper\n');
    expect(read('multi/deep/one.txt')).toBe('first\n');
    expect(read('multi/deep/two.txt')).toBe('second world\n');
    expect(read('added.txt')).toBe('added world\n');
    expect(read('w/rel.txt')).toBe('rel\n');
    for (const file of ['greet/expanded.txt', 'greet/quoted.txt', 'multi/deep/one.txt', 'added.txt', 'w/rel.txt']) {
      expect(st(file).mode & 0o7777, file).toBe(0o644);
      expect([st(file).uid, st(file).gid], file).toEqual([0, 0]);
    }
    for (const dir of ['greet', 'multi', 'multi/deep']) expect(st(dir).mode & 0o7777, dir).toBe(0o755);
    expect(st('owned/run.sh').mode & 0o7777).toBe(0o755);
    expect([st('owned/run.sh').uid, st('owned/run.sh').gid]).toEqual([1000, 1001]);
    expect(read('owned/run.sh')).toBe('#!/bin/sh\n');
    const heredocSteps = config.history.filter((e) => e.created_by?.includes('<<'));
    expect(heredocSteps.length).toBe(7);
    expect(heredocSteps.every((e) => e.empty_layer !== true)).toBe(true);
  });

  it('refuses a heredoc destination at its line', async () => {
    const { run } = await h.build({ Dockerfile: 'ARG BASE\nFROM ${BASE}\nCOPY /x <<EOF\nbody\nEOF\n' });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/Dockerfile:3/);
    expect(run.stderr).toMatch(/heredoc as a destination/);
  });
});
