/**
 * RUN snapshots through bin/tsbuild, read back by umoci from the pushed image: a file replaced by
 * a directory and the reverse, a directory replaced by a symlink, a base-image directory deleted,
 * a file deleted in one layer and recreated in the next, and a same-size rewrite whose mtime is
 * restored (only ctime moves).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { E2eHarness } from '../build/e2e-harness.js';

let h: E2eHarness;
beforeAll(async () => {
  h = await E2eHarness.start();
});
afterAll(async () => h?.stop());

const DOCKERFILE = `ARG BASE
FROM \${BASE}
RUN mkdir /t && echo file > /t/f2d && mkdir /t/d2f && echo in > /t/d2f/x && mkdir /t/d2l && echo z > /t/d2l/z \\
 && echo same1 > /t/same && touch -d '2020-01-01 00:00:00' /t/same && echo gone > /t/recreate
RUN rm /t/f2d && mkdir /t/f2d && echo nested > /t/f2d/n \\
 && rm -r /t/d2f && echo now-a-file > /t/d2f \\
 && rm -r /t/d2l && ln -s /base /t/d2l \\
 && rm -r /base/remove-dir && rm /t/recreate
RUN echo back > /t/recreate
RUN printf 'same2\\n' > /t/same && touch -d '2020-01-01 00:00:00' /t/same
`;

describe('RUN snapshots (e2e)', () => {
  it('carries type changes, deletions, recreations and same-size rewrites into the image', async () => {
    const { run, rootfs, config } = await h.build({ Dockerfile: DOCKERFILE });
    expect(run.code, run.stderr).toBe(0);
    const at = (p: string) => join(rootfs, p);
    expect(lstatSync(at('t/f2d')).isDirectory()).toBe(true);
    expect(readFileSync(at('t/f2d/n'), 'utf8')).toBe('nested\n');
    expect(lstatSync(at('t/d2f')).isFile()).toBe(true);
    expect(readFileSync(at('t/d2f'), 'utf8')).toBe('now-a-file\n');
    expect(readlinkSync(at('t/d2l'))).toBe('/base');
    expect(existsSync(at('base/remove-dir'))).toBe(false);
    expect(readFileSync(at('base/keep.txt'), 'utf8')).toBe('keep\n');
    expect(readFileSync(at('t/recreate'), 'utf8')).toBe('back\n');
    expect(readFileSync(at('t/same'), 'utf8')).toBe('same2\n');
    expect(lstatSync(at('t/same')).mtime.toISOString()).toBe('2020-01-01T00:00:00.000Z');
    // One layer per RUN on top of the base, none of them empty.
    expect(config.rootfs.diff_ids).toHaveLength(5);
  });
});
