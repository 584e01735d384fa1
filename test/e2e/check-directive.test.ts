/**
 * `# check=` through the real command line: tsbuild runs no lint rules yet, so error=true fails
 * at the directive's line, other settings warn, and skip=all (no checks wanted) is quiet.
 */
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';
import { runTsbuild } from '../helpers/run-tsbuild.js';

const BODY = 'FROM scratch\nENV A=1\nCMD ["/a"]\n';

async function build(directive: string) {
  await using ctx = await tempDir({ Dockerfile: `# syntax=docker/dockerfile:1\n${directive}\n${BODY}` });
  return await runTsbuild(['-c', ctx.path, '--no-push']);
}

describe('# check= directive (e2e)', () => {
  it('fails at the directive line when error=true asks for lint findings to fail the build', async () => {
    const run = await build('# check=error=true');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Dockerfile:2: # check=error=true is not supported yet/);
  });

  it('warns that no lint checks ran, and builds', async () => {
    const run = await build('# check=skip=JSONArgsRecommended');
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/WARN.*Dockerfile:2: # check= has no effect/);
  });

  it('is quiet for skip=all, and rejects an invalid option at its line', async () => {
    const quiet = await build('# check=skip=all');
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).not.toMatch(/check=/);
    const invalid = await build('# check=bogus=1');
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/Dockerfile:2: invalid check option/);
  });
});
