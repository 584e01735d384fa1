/**
 * ONBUILD through bin/tsbuild: triggers of a registry base image and of an earlier stage run
 * right after FROM in the child build, are not inherited further (the child's OnBuild is empty),
 * and a failing trigger is reported at the child's FROM line.
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

describe('ONBUILD triggers (e2e)', () => {
  it("runs a registry base image's triggers in the child, then clears them", async () => {
    const parent = await h.build({
      Dockerfile: 'ARG BASE\nFROM ${BASE}\nONBUILD RUN echo triggered > /onbuild.txt\nONBUILD COPY ctx.txt /from-trigger.txt\nONBUILD ENV TRIGGER=yes\n',
    });
    expect(parent.run.code, parent.run.stderr).toBe(0);
    expect(parent.config.config.OnBuild).toHaveLength(3);
    expect(existsSync(join(parent.rootfs, 'onbuild.txt'))).toBe(false);

    const child = await h.build({ Dockerfile: `FROM ${parent.ref}\nRUN cat /onbuild.txt /from-trigger.txt > /both.txt\n`, 'ctx.txt': 'context\n' });
    expect(child.run.code, child.run.stderr).toBe(0);
    expect(readFileSync(join(child.rootfs, 'both.txt'), 'utf8')).toBe('triggered\ncontext\n');
    expect(child.config.config.Env).toContain('TRIGGER=yes');
    expect(child.config.config.OnBuild ?? []).toEqual([]);
    expect(child.config.history.map((e) => e.created_by)).toContain('RUN echo triggered > /onbuild.txt');

    // A grandchild does not run them again.
    const grandchild = await h.build({ Dockerfile: `FROM ${child.ref}\nRUN test ! -e /again && touch /again\n` });
    expect(grandchild.run.code, grandchild.run.stderr).toBe(0);
  });

  it('runs the triggers of an earlier stage used as a base', async () => {
    const { run, rootfs } = await h.build({
      Dockerfile: 'ARG BASE\nFROM ${BASE} AS parent\nONBUILD RUN echo from-stage > /stage-trigger.txt\nFROM parent\nRUN cp /stage-trigger.txt /copy.txt\n',
    });
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(join(rootfs, 'copy.txt'), 'utf8')).toBe('from-stage\n');
  });

  it('reports a failing trigger at the FROM line that inherited it', async () => {
    const parent = await h.build({ Dockerfile: 'ARG BASE\nFROM ${BASE}\nONBUILD RUN exit 7\n' });
    expect(parent.run.code).toBe(0);
    const child = await h.build({ Dockerfile: `# child\nFROM ${parent.ref}\nRUN true\n` });
    expect(child.run.code).toBe(1);
    expect(child.run.stderr).toMatch(/Dockerfile:2/);
    expect(child.run.stderr).toMatch(/status 7/);
  });
});
