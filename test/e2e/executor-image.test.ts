/**
 * The executor image, the way a Jenkins pipeline on Kubernetes uses it. tsbuild builds its own
 * image from the repository's Dockerfile (the base, with Node, made offline and served by a test
 * registry), pushes it, and podman runs it the way the Kubernetes plugin runs a pod container:
 * unprivileged, kept alive by /busybox/cat on a tty, with registry credentials mounted at
 * /kaniko/.docker and the job's workspace mounted in. Builds then run through `podman exec …
 * /busybox/sh -c '…'` — twice in the same container, then via /kaniko/executor — on a
 * multi-stage fixture whose RUN steps need /dev/null, /proc, chown to a non-root user and the
 * network. Inside, tsbuild is root without CAP_SYS_ADMIN: RUN goes through the user-namespace
 * sandbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pushBusybox } from '../helpers/busybox-image.js';
import { pushExecutorBase } from '../helpers/executor-base.js';
import { podmanAvailable, startPodman, type Podman } from '../helpers/podman.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { runTsbuild } from '../helpers/run-tsbuild.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';

const REPO = resolve(import.meta.dirname, '../..');
const USER = 'jenkins';
const PASSWORD = 'pod-secret-9';
const CONTAINER = 'tsbuild-agent';
const JOB = '/home/jenkins/agent/workspace/app';

const DOCKERFILE = `ARG BASE
FROM \${BASE} AS build
ARG PROBE_URL
RUN echo discarded > /dev/null && grep -q '^Uid:' /proc/self/status && test -c /dev/null && echo built > /built.txt
RUN mkdir /data && echo owned > /data/owned.txt && chown -R 1000:1000 /data
RUN wget -q -O /network.txt "$PROBE_URL"
USER app
RUN id -u > /home/app/uid.txt && stat -c '%u:%g' /data/owned.txt > /home/app/owner.txt

FROM build AS final
USER root
COPY app.txt /app/app.txt
RUN cat /built.txt /network.txt /home/app/uid.txt /home/app/owner.txt /app/app.txt > /app/summary.txt
`;

const hasPodman = podmanAvailable();
if (!hasPodman) {
  // Visible in the run's output: CI must install podman and runc (see .ci/run).
  process.stderr.write('executor-image e2e test skipped: podman is not installed (apt-get install podman runc)\n');
}

let open: TestRegistry;
let secured: TestRegistry;
let work: TempDir;
let podman: Podman;
let image: string;

async function sh(script: string, timeoutMs = 240_000) {
  return podman.run(['exec', CONTAINER, '/busybox/sh', '-c', script], timeoutMs);
}

function buildCommand(executor: string, tag: string): string {
  return (
    `cd ${JOB} && ${executor} --context . --destination ${secured.host}/team/app:${tag} ` +
    `--build-arg BASE=${open.host}/base/busybox:latest --build-arg PROBE_URL=${open.url}/v2/ ` +
    `--insecure-pull --reproducible --digest-file /out/digest-${tag} --verbosity debug`
  );
}

describe.skipIf(!hasPodman)('the executor image in an unprivileged container (Jenkins on Kubernetes)', () => {
  beforeAll(async () => {
    [open, secured, work, podman] = await Promise.all([
      startRegistry(),
      startRegistry({ users: { [USER]: PASSWORD } }),
      tempDir({ 'ctx/app.txt': 'from the job workspace\n' }),
      startPodman(),
    ]);
    await writeFile(join(work.path, 'ctx/Dockerfile'), DOCKERFILE);
    await pushBusybox(open.host, work.path);
    await pushExecutorBase(open.host);
    image = `${open.host}/tsbuild/executor:test`;
    const built = await runTsbuild([
      '--context', REPO,
      '--dockerfile', join(REPO, 'Dockerfile'),
      '--build-arg', `BASE=${open.host}/base/node:20`,
      '--destination', image,
    ]);
    if (built.code !== 0) throw new Error(`tsbuild could not build its own image:\n${built.stdout}\n${built.stderr}`);
    const auth = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
    await mkdir(join(work.path, 'docker'));
    await writeFile(join(work.path, 'docker/config.json'), JSON.stringify({ auths: { [secured.host]: { auth } } }));
    await mkdir(join(work.path, 'out'));
    await chmod(join(work.path, 'out'), 0o777);
    const pulled = await podman.run(['pull', '--tls-verify=false', image]);
    if (pulled.code !== 0) throw new Error(`podman pull failed: ${pulled.stderr}`);
    const started = await podman.run([
      'run', '--detach', '--tty', '--name', CONTAINER,
      '--network', 'host', '--ulimit', 'nofile=10000:10000', '--ulimit', 'nproc=1000:1000',
      '--volume', `${join(work.path, 'docker')}:/kaniko/.docker:ro`,
      '--volume', `${join(work.path, 'ctx')}:${JOB}`,
      '--volume', `${join(work.path, 'out')}:/out`,
      '--entrypoint', '/busybox/cat',
      image,
    ]);
    if (started.code !== 0) throw new Error(`podman run failed: ${started.stderr}`);
  }, 600_000);

  afterAll(async () => {
    await podman?.[Symbol.asyncDispose]();
    await Promise.all([open?.stop(), secured?.stop(), work?.[Symbol.asyncDispose]()]);
  });

  it('is the image the Dockerfile describes', async () => {
    const config = JSON.parse(execFileSync('skopeo', ['inspect', '--config', '--tls-verify=false', `docker://${image}`], { encoding: 'utf8' })) as {
      config: { Entrypoint: string[]; WorkingDir: string; Env: string[] };
    };
    expect(config.config.Entrypoint).toEqual(['tsbuild']);
    expect(config.config.WorkingDir).toBe('/workspace');
    expect(config.config.Env).toEqual(expect.arrayContaining(['DOCKER_CONFIG=/kaniko/.docker/', 'TSBUILD_WORK_DIR=/kaniko']));
    const look = await sh('id -u; grep CapEff /proc/self/status; ls -l /kaniko/executor; test -x /busybox/sh && echo busybox; git --version; command -v ssh-keyscan; command -v zstd; tsbuild --version');
    expect(look.stderr).toBe('');
    const [uid, capEff, executor, busybox, git, keyscan, zstd] = look.stdout.split('\n');
    expect(uid).toBe('0');
    // root, but no CAP_SYS_ADMIN (bit 21): an ordinary unprivileged container.
    expect((BigInt(`0x${capEff!.split('\t')[1]}`) >> 21n) & 1n).toBe(0n);
    expect(executor).toContain('/kaniko/executor -> /tsbuild/bin/tsbuild');
    expect(busybox).toBe('busybox');
    // ADD of a git repository runs the git CLI, and ssh remotes OpenSSH's client.
    expect(git).toMatch(/^git version /);
    expect(keyscan).toBe('/usr/bin/ssh-keyscan');
    // --compression=zstd runs the zstd program.
    expect(zstd).toBe('/usr/bin/zstd');
  });

  it('builds twice in the same container and via /kaniko/executor, with the same digest, leaving the container as it was', async () => {
    const before = await sh('ls -la /workspace /busybox | md5sum; ls /kaniko | sort | tr "\\n" " "');
    const changedBefore = await podman.run(['diff', CONTAINER]);
    const runs = [];
    for (const [executor, tag] of [['tsbuild', 'one'], ['tsbuild', 'two'], ['/kaniko/executor', 'three']] as const) {
      const run = await sh(buildCommand(executor, tag));
      expect(run.stderr + run.stdout).not.toMatch(/\x1b\[/);
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      runs.push(run);
    }
    expect(runs[0]!.stdout + runs[0]!.stderr).toMatch(/isolation.{0,4}userns/);
    const digests = await Promise.all(['one', 'two', 'three'].map((t) => readFile(join(work.path, `out/digest-${t}`), 'utf8')));
    expect(digests[0]).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(new Set(digests).size).toBe(1);
    expect(await sh('ls -la /workspace /busybox | md5sum; ls /kaniko | sort | tr "\\n" " "')).toEqual(before);
    // Everything tsbuild wrote was under its work dir and is gone: beyond what podman itself
    // changed (mount points, /etc/hosts), the container shows at most the work dir's parent.
    const lines = (text: string) => text.trim().split('\n').filter((l) => l !== '');
    const podmanOwn = new Set(lines(changedBefore.stdout));
    const changed = lines((await podman.run(['diff', CONTAINER])).stdout).filter((l) => !podmanOwn.has(l));
    expect(changed.filter((l) => !/^C \/(kaniko|tmp)$/.test(l))).toEqual([]);
  });

  it('pushed an image whose RUN steps had /dev/null, /proc, chown and the network', async () => {
    const ref = `docker://${secured.host}/team/app:one`;
    execFileSync('skopeo', ['copy', '--src-tls-verify=false', `--src-creds=${USER}:${PASSWORD}`, ref, `oci:${work.path}/layout:app`], { stdio: 'pipe' });
    execFileSync('umoci', ['unpack', '--image', `${work.path}/layout:app`, `${work.path}/bundle`], { stdio: 'pipe' });
    const rootfs = join(work.path, 'bundle/rootfs');
    expect(await readFile(join(rootfs, 'app/summary.txt'), 'utf8')).toBe('built\n{}1000\n1000:1000\nfrom the job workspace\n');
  });
});
