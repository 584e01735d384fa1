/**
 * BuildKit's Dockerfile lint rules through the real command line, on a real base image: each
 * finding is one warning with its line and rule, `# check=skip=` silences, `error=true` fails
 * before step 1 naming the rules, the BUILDKIT_DOCKERFILE_CHECK build arg replaces the
 * directive, a clean Dockerfile is quiet, and warnings never change the image.
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

// `BASE` has a valid default (InvalidDefaultArgInFrom stays quiet); the harness passes the real one.
const HEAD = 'ARG BASE=busybox\nFROM ${BASE} as build\n';
const BODY = `${HEAD}ENV GREETING hello\nWORKDIR app\nRUN echo "$GREETING" > /greeting.txt\nCMD cat /greeting.txt\n`;
const WARNINGS = [
  /WARN.*Dockerfile:2: FromAsCasing: 'as' and 'FROM' keywords' casing do not match \(https:\/\/docs\.docker\.com\/go\/dockerfile\/rule\/from-as-casing\/\)/,
  /WARN.*Dockerfile:3: LegacyKeyValueFormat: "ENV key=value" should be used instead of legacy "ENV key value" format/,
  /WARN.*Dockerfile:4: WorkdirRelativePath: Relative workdir "app" can have unexpected results if the base image changes/,
  /WARN.*Dockerfile:6: JSONArgsRecommended: JSON arguments recommended for CMD/,
];
const stepsOf = (stderr: string) => stderr.split('\n').filter((l) => /step \d+\/\d+ Dockerfile/.test(l));

describe('Dockerfile lint rules (e2e)', () => {
  it('warns once per finding with its line and rule, and builds', async () => {
    const { run, rootfs } = await h.build({ Dockerfile: BODY });
    expect(run.code, run.stderr).toBe(0);
    for (const warning of WARNINGS) expect(run.stderr).toMatch(warning);
    expect(run.stderr.match(/WARN.*https:\/\/docs\.docker\.com\/go\/dockerfile\/rule\//g)).toHaveLength(WARNINGS.length);
    // Warnings come before the first step.
    expect(run.stderr.indexOf('FromAsCasing')).toBeLessThan(run.stderr.indexOf('step 1/'));
    expect(readFileSync(join(rootfs, 'greeting.txt'), 'utf8')).toBe('hello\n');
  });

  it('sees the base image ENV: $PATH is defined, an unknown variable is not', async () => {
    const { run } = await h.build({ Dockerfile: `${HEAD.replace(' as ', ' AS ')}ENV P=$PATH:$TOOLS_HOME\nCMD ["true"]\n` });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/WARN.*Dockerfile:3: UndefinedVar: Usage of undefined variable '\$TOOLS_HOME'/);
    expect(run.stderr).not.toMatch(/\$PATH'/);
  });

  it('is silent for a clean Dockerfile', async () => {
    const { run } = await h.build({ Dockerfile: `${HEAD.replace(' as ', ' AS ')}ENV GREETING=hello\nWORKDIR /app\nCMD ["true"]\n` });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/docs\.docker\.com\/go\/dockerfile\/rule/);
  });

  it('silences the rules skip= names, and all of them with skip=all', async () => {
    const some = await h.build({ Dockerfile: `# check=skip=FromAsCasing,JSONArgsRecommended\n${BODY}` });
    expect(some.run.code, some.run.stderr).toBe(0);
    expect(some.run.stderr).not.toMatch(/FromAsCasing|JSONArgsRecommended/);
    expect(some.run.stderr).toMatch(/Dockerfile:5: WorkdirRelativePath/);
    const all = await h.build({ Dockerfile: `# check=skip=all\n${BODY}` });
    expect(all.run.code, all.run.stderr).toBe(0);
    expect(all.run.stderr).not.toMatch(/docs\.docker\.com\/go\/dockerfile\/rule/);
  });

  it('fails before step 1 with error=true, naming the violated rules', async () => {
    const { run } = await h.build({ Dockerfile: `# check=error=true\n${BODY}` });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Dockerfile:3: FromAsCasing/);
    expect(run.stderr).toMatch(/lint violation found for rules: FromAsCasing, LegacyKeyValueFormat, WorkdirRelativePath, JSONArgsRecommended/);
    expect(stepsOf(run.stderr)).toEqual([]);
  });

  it('takes BUILDKIT_DOCKERFILE_CHECK over the directive, and does not call it unconsumed', async () => {
    const failing = await h.build({ Dockerfile: `# check=skip=all\n${BODY}` }, ['--build-arg', 'BUILDKIT_DOCKERFILE_CHECK=error=true;skip=JSONArgsRecommended']);
    expect(failing.run.code).toBe(1);
    expect(failing.run.stderr).toMatch(/lint violation found for rules: FromAsCasing, LegacyKeyValueFormat, WorkdirRelativePath \[TSB_DOCKERFILE_LINT\]/);
    const quiet = await h.build({ Dockerfile: `# check=error=true\n${BODY}` }, ['--build-arg', 'BUILDKIT_DOCKERFILE_CHECK=skip=all']);
    expect(quiet.run.code, quiet.run.stderr).toBe(0);
    expect(quiet.run.stderr).not.toMatch(/rule\/|not consumed/);
  });

  it('builds the same image with warnings as without', async () => {
    const digest = async (args: string[], n: string) => {
      const file = join(h.work.path, `digest-${n}`);
      const { run } = await h.build({ Dockerfile: BODY }, ['--reproducible', '--digest-file', file, ...args]);
      expect(run.code, run.stderr).toBe(0);
      return { digest: readFileSync(file, 'utf8'), warned: /WARN.*rule\//.test(run.stderr) };
    };
    const warned = await digest([], 'warned');
    const quiet = await digest(['--build-arg', 'BUILDKIT_DOCKERFILE_CHECK=skip=all'], 'quiet');
    expect(warned.warned).toBe(true);
    expect(quiet.warned).toBe(false);
    expect(warned.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(quiet.digest).toBe(warned.digest);
  });
});
