/**
 * RUN heredocs through bin/tsbuild and a real registry, checked in the pushed image: a body run
 * by the shell, a shebang body run as a script, `<<-` tab stripping, a quoted delimiter left
 * unexpanded, two heredocs on one command, and a heredoc fed to a command's stdin.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { E2eHarness } from '../build/e2e-harness.js';

let h: E2eHarness;
beforeAll(async () => {
  h = await E2eHarness.start();
});
afterAll(async () => h?.stop());

const DOCKERFILE = [
  'ARG BASE',
  'FROM ${BASE}',
  'ENV GREETING=hello',
  'RUN <<EOF',
  'echo "$GREETING" > /multi',
  'echo second >> /multi',
  'EOF',
  'RUN <<EOF',
  '#!/bin/sh -e',
  'echo "script $0 $GREETING" > /script',
  'EOF',
  'RUN <<-EOF',
  '\techo tabbed > /tabs',
  '\t\techo deeper >> /tabs',
  '\tEOF',
  "RUN cat <<'EOF' > /quoted",
  'literal $GREETING',
  'EOF',
  'RUN cat <<a <<b > /two',
  'first $GREETING',
  'a',
  'second',
  'b',
  'RUN sh <<X',
  'echo "from stdin $GREETING" > /stdin',
  'X',
  '',
].join('\n');

describe('RUN heredocs (e2e)', () => {
  it('runs heredoc bodies as BuildKit does', async () => {
    const { run, rootfs, config } = await h.build({ Dockerfile: DOCKERFILE });
    expect(run.code, run.stderr).toBe(0);
    const read = (p: string) => readFileSync(join(rootfs, p), 'utf8');
    expect(read('multi')).toBe('hello\nsecond\n');
    expect(read('script')).toBe('script /dev/pipes/EOF hello\n');
    expect(read('tabs')).toBe('tabbed\ndeeper\n');
    expect(read('quoted')).toBe('literal $GREETING\n');
    // `cat <<a <<b` reads only the last heredoc on stdin, as any POSIX shell does.
    expect(read('two')).toBe('second\n');
    expect(read('stdin')).toBe('from stdin hello\n');
    // The script's mount point never reaches a layer.
    expect(existsSync(join(rootfs, 'dev/pipes'))).toBe(false);
    const created = config.history.map((e) => e.created_by ?? '');
    expect(created.some((c) => c.includes('<<EOF'))).toBe(true);
  });

  it('fails at the line of a heredoc whose script fails', async () => {
    const { run } = await h.build({ Dockerfile: 'ARG BASE\nFROM ${BASE}\nRUN <<EOF\nexit 3\nEOF\n' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Dockerfile:3/);
    expect(run.stderr).toMatch(/status 3/);
  });
});
