/**
 * USER, WORKDIR, $HOME and COPY --chown through bin/tsbuild against the busybox base's own
 * /etc/passwd and /etc/group: names, uids, uid:gid, name:group, supplementary groups, HOME from
 * passwd (`/` without an entry, ENV HOME wins), WORKDIR resolution and ownership.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { E2eHarness } from '../build/e2e-harness.js';

let h: E2eHarness;
beforeAll(async () => {
  h = await E2eHarness.start();
});
afterAll(async () => h?.stop());

const DOCKERFILE = `ARG BASE
FROM \${BASE}
USER app
RUN echo "$(id -u) $(id -g) $(id -G) $HOME" > /tmp/name
USER 1000:10
RUN echo "$(id -u) $(id -g) $(id -G) $HOME" > /tmp/uid-gid
USER 4242
RUN echo "$(id -u) $(id -g) $(id -G) $HOME" > /tmp/numeric
USER app:audio
RUN echo "$(id -u) $(id -g) $(id -G)" > /tmp/name-group
USER root
WORKDIR /srv
USER app
WORKDIR data/sub
RUN pwd > /tmp/pwd
USER root
COPY --chown=app:wheel f.txt /owned/f.txt
COPY --chown=5555:6666 f.txt /numeric/f.txt
COPY --chown=nobody f.txt /nobody.txt
ENV HOME=/custom
USER app
RUN echo "$HOME" > /tmp/env-home
`;

describe('USER, WORKDIR and HOME (e2e)', () => {
  it('resolves users and groups from the stage rootfs as runc and BuildKit do', async () => {
    const { run, rootfs, config } = await h.build({ Dockerfile: DOCKERFILE, 'f.txt': 'f\n' });
    expect(run.code, run.stderr).toBe(0);
    const read = (p: string) => readFileSync(join(rootfs, p), 'utf8').trim();
    const owner = (p: string) => [lstatSync(join(rootfs, p)).uid, lstatSync(join(rootfs, p)).gid];
    expect(read('tmp/name')).toBe('1000 1000 1000 10 29 /home/app');
    expect(read('tmp/uid-gid')).toBe('1000 10 10 /home/app');
    expect(read('tmp/numeric')).toBe('4242 0 0 /');
    expect(read('tmp/name-group')).toBe('1000 29 29');
    expect(read('tmp/pwd')).toBe('/srv/data/sub');
    expect(owner('srv')).toEqual([0, 0]);
    expect(owner('srv/data')).toEqual([1000, 1000]);
    expect(owner('srv/data/sub')).toEqual([1000, 1000]);
    expect(owner('owned/f.txt')).toEqual([1000, 10]);
    expect(owner('owned')).toEqual([1000, 10]);
    expect(owner('numeric/f.txt')).toEqual([5555, 6666]);
    expect(owner('nobody.txt')).toEqual([65534, 65534]);
    expect(read('tmp/env-home')).toBe('/custom');
    expect(config.config.User).toBe('app');
    expect(config.config.WorkingDir).toBe('/srv/data/sub');
  });

  it('fails at the line of a COPY --chown naming an unknown user', async () => {
    const { run } = await h.build({ Dockerfile: 'ARG BASE\nFROM ${BASE}\nCOPY --chown=ghost f.txt /f\n', 'f.txt': 'f\n' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Dockerfile:3/);
    expect(run.stderr).toMatch(/unable to find user ghost/);
  });
});
