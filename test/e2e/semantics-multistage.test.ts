/**
 * Multi-stage builds through bin/tsbuild against a real registry: COPY --from a stage (by name
 * and index, wildcards, symlinks resolved inside the stage, hardlinks kept), COPY --from an image
 * reference, FROM an earlier stage (its config and files), and --target pruning.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lstatSync, readFileSync, readlinkSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { E2eHarness } from '../build/e2e-harness.js';
import { GROUP, PASSWD } from '../helpers/busybox-image.js';

let h: E2eHarness;
beforeAll(async () => {
  h = await E2eHarness.start();
});
afterAll(async () => h?.stop());

const dockerfile = (registry: string) => `ARG BASE
FROM \${BASE} AS build
RUN mkdir -p /out/sub && echo hello > /out/hello.txt && chmod 0751 /out/hello.txt \\
 && ln /out/hello.txt /out/hard.txt && ln -s hello.txt /out/sym && ln -s /etc/passwd /out/abs-link \\
 && chown 1000:1000 /out/sub && echo x > /out/sub/x.log && echo y > /out/sub/y.txt
ENV FROM_BUILD=yes
WORKDIR /work

FROM build AS derived
RUN echo derived > /derived.txt && cat /out/hello.txt > /derived-saw.txt

FROM \${BASE} AS unused
RUN exit 1

FROM \${BASE}
COPY --from=build /out/ /copied/
COPY --from=0 /out/sub/*.txt /globbed/
COPY --from=build /out/abs-link /resolved-passwd
COPY --from=derived /derived.txt /out/sym /from-derived/
COPY --from=${registry}/base/busybox:latest /etc/group /group-from-image
`;

describe('multi-stage builds (e2e)', () => {
  it('copies from stages and images with Docker semantics and skips unneeded stages', async () => {
    const { run, rootfs } = await h.build({ Dockerfile: dockerfile(h.registry.host) });
    expect(run.code, run.stderr).toBe(0);
    const at = (p: string) => join(rootfs, p);
    expect(readFileSync(at('copied/hello.txt'), 'utf8')).toBe('hello\n');
    expect(lstatSync(at('copied/hello.txt')).mode & 0o7777).toBe(0o751);
    // Hardlinked in the stage, hardlinked in the copy (one inode, two names).
    expect(lstatSync(at('copied/hard.txt')).ino).toBe(lstatSync(at('copied/hello.txt')).ino);
    expect(lstatSync(at('copied/hello.txt')).nlink).toBe(2);
    expect(readlinkSync(at('copied/sym'))).toBe('hello.txt');
    // COPY --from keeps the stage's owners without --chown (BuildKit's mapUserToChowner keeps the
    // old owner; only build-context files are reset to 0:0, by the client, when they are sent).
    expect([lstatSync(at('copied/sub')).uid, lstatSync(at('copied/sub')).gid]).toEqual([1000, 1000]);
    expect([lstatSync(at('copied/hello.txt')).uid, lstatSync(at('copied/hello.txt')).gid]).toEqual([0, 0]);
    expect(existsSync(at('globbed/y.txt'))).toBe(true);
    expect(existsSync(at('globbed/x.log'))).toBe(false);
    // An absolute symlink in a stage resolves inside that stage's rootfs, not the host's.
    expect(readFileSync(at('resolved-passwd'), 'utf8')).toBe(PASSWD);
    expect(readFileSync(at('from-derived/derived.txt'), 'utf8')).toBe('derived\n');
    // A symlink named as a source is followed (COPY copies what it points to).
    expect(readFileSync(at('from-derived/sym'), 'utf8')).toBe('hello\n');
    expect(readFileSync(at('group-from-image'), 'utf8')).toBe(GROUP);
  });

  it('starts FROM an earlier stage with its config and files, and --target prunes later stages', async () => {
    const { run, rootfs, config } = await h.build({ Dockerfile: `${dockerfile(h.registry.host)}RUN exit 3\n` }, ['--target', 'derived']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout + run.stderr).not.toMatch(/exit 1|exit 3/);
    expect(config.config.Env).toContain('FROM_BUILD=yes');
    expect(config.config.WorkingDir).toBe('/work');
    expect(readFileSync(join(rootfs, 'derived-saw.txt'), 'utf8')).toBe('hello\n');
    expect(existsSync(join(rootfs, 'work'))).toBe(true);
  });

  it('fails at the line of a COPY --from whose source is missing', async () => {
    const { run } = await h.build({ Dockerfile: `ARG BASE\nFROM \${BASE} AS a\nFROM \${BASE}\nCOPY --from=a /nope /x\n` });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Dockerfile:4/);
    expect(run.stderr).toMatch(/not found in stage a/);
  });
});
