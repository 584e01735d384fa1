/**
 * `--single-snapshot` through bin/tsbuild against a real registry: the pushed image is the base's
 * layers plus one, and umoci unpacks it to the same tree (files, modes, owners, symlinks,
 * hardlinks, deletions) and config as the same build without the flag; history keeps an entry per
 * instruction, only the last one carrying the layer. Reproducible builds repeat their digest; a
 * metadata-only stage adds no layer; with --cache each stage is one entry, hit when unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { E2eHarness, type BuiltImage } from '../build/e2e-harness.js';
import { readTreeFacts } from '../helpers/tree-facts.js';

let h: E2eHarness;
beforeAll(async () => {
  h = await E2eHarness.start();
});
afterAll(async () => {
  await h?.stop();
});

const DOCKERFILE = `ARG BASE
FROM \${BASE} AS builder
RUN mkdir -p /out && echo built > /out/app && chmod 0750 /out/app && ln -s app /out/link
ENV BUILDER=1

FROM \${BASE}
ENV APP_HOME=/srv/app
WORKDIR /srv/app
COPY --chown=1000:1000 a.txt ./a.txt
COPY --from=builder /out/ ./bin/
ADD archive.tar /opt/
RUN rm /base/remove.txt && rm -r /base/remove-dir && echo changed > /base/change.txt \\
 && ln /srv/app/a.txt /srv/app/a-hard.txt && ln -s /srv/app/a.txt /srv/app/a-sym \\
 && echo temp > /tmp/t && rm /tmp/t && chmod 4755 /srv/app/bin/app
RUN echo later > /srv/app/later.txt && rm /opt/inner2.txt
COPY --link b.txt /linked/b.txt
USER app
CMD ["sh", "-c", "cat a.txt"]
`;

const TREE = { Dockerfile: DOCKERFILE, 'a.txt': 'a\n', 'b.txt': 'b\n' };

function withArchive(ctx: string): void {
  writeFileSync(join(ctx, 'inner.txt'), 'inner\n');
  writeFileSync(join(ctx, 'inner2.txt'), 'inner2\n');
  execFileSync('tar', ['-C', ctx, '-cf', join(ctx, 'archive.tar'), 'inner.txt', 'inner2.txt']);
}

/** The config without what single-snapshot changes on purpose. */
function configBody(img: BuiltImage): Record<string, unknown> {
  const { history: _history, rootfs: _rootfs, ...rest } = img.config as unknown as Record<string, unknown>;
  return rest;
}

/** How many instructions of the target stage, ENV..CMD above. */
const FINAL_INSTRUCTIONS = 10;

describe('--single-snapshot (e2e)', () => {
  let layered: BuiltImage;
  let single: BuiltImage;

  beforeAll(async () => {
    layered = await h.build(TREE, ['--reproducible'], withArchive);
    single = await h.build(TREE, ['--reproducible', '--single-snapshot'], withArchive);
  }, 120_000);

  it('pushes the base layers plus exactly one', () => {
    expect(layered.run.code, layered.run.stderr).toBe(0);
    expect(single.run.code, single.run.stderr).toBe(0);
    expect(layered.config.rootfs.diff_ids.length).toBeGreaterThan(3);
    expect(single.config.rootfs.diff_ids).toHaveLength(2);
    // The base's layer is shared; only what the stage added is folded into one.
    expect(single.config.rootfs.diff_ids[0]).toBe(layered.config.rootfs.diff_ids[0]);
  });

  it('unpacks to the same tree and config as the build without the flag', () => {
    const facts = readTreeFacts(single.rootfs);
    expect(facts).toEqual(readTreeFacts(layered.rootfs));
    expect(configBody(single)).toEqual(configBody(layered));
    // What the comparison is about, stated once: deletions, owners, modes, links.
    expect(facts.has('/base/remove.txt')).toBe(false);
    expect(facts.has('/base/remove-dir')).toBe(false);
    expect(facts.has('/opt/inner2.txt')).toBe(false);
    expect(facts.has('/tmp/t')).toBe(false);
    expect(facts.get('/base/keep.txt')?.size).toBe(5);
    expect(readFileSync(join(single.rootfs, 'base/change.txt'), 'utf8')).toBe('changed\n');
    expect(facts.get('/srv/app/a.txt')).toMatchObject({ uid: 1000, gid: 1000, linkGroup: '/srv/app/a-hard.txt' });
    expect(facts.get('/srv/app/a-sym')).toMatchObject({ type: 'symlink', target: '/srv/app/a.txt' });
    expect(facts.get('/srv/app/bin/app')).toMatchObject({ mode: 0o4755 });
    expect(facts.get('/srv/app/bin/link')).toMatchObject({ type: 'symlink', target: 'app' });
    expect(facts.get('/linked/b.txt')?.size).toBe(2);
    expect(facts.get('/opt/inner.txt')?.size).toBe(6);
  });

  it('keeps one history entry per instruction, the last carrying the layer', () => {
    const added = single.config.history.slice(1);
    expect(added.map((e) => e.created_by)).toEqual(layered.config.history.slice(1).map((e) => e.created_by));
    expect(added).toHaveLength(FINAL_INSTRUCTIONS);
    expect(added.slice(0, -1).every((e) => e.empty_layer === true)).toBe(true);
    expect(added.at(-1)?.empty_layer).toBeUndefined();
    expect(added.at(-1)?.created_by).toMatch(/CMD/);
  });

  it('the layer holds whiteouts for deleted base files', () => {
    const layout = join(h.work.path, `layout-${Date.now()}`);
    execFileSync('skopeo', ['copy', '--src-tls-verify=false', `docker://${single.ref}`, `oci:${layout}:img`], { stdio: 'pipe' });
    const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    const blob = (digest: string) => join(layout, 'blobs', ...digest.split(':'));
    const manifest = JSON.parse(readFileSync(blob(index.manifests[0]?.digest ?? ''), 'utf8')) as { layers: { digest: string }[] };
    const names = execFileSync('tar', ['-tzf', blob(manifest.layers[1]?.digest ?? '')], { encoding: 'utf8' }).split('\n');
    expect(names).toContain('base/.wh.remove.txt');
    expect(names).toContain('base/.wh.remove-dir');
    expect(names).toContain('srv/app/later.txt');
    expect(names.some((n) => n.includes('inner2'))).toBe(false);
  });

  it('gives the same digest twice with --reproducible', async () => {
    const digest = async () => {
      const file = join(h.work.path, `digest-${Date.now()}-${Math.random()}`);
      const built = await h.build(TREE, ['--reproducible', '--single-snapshot', '--digest-file', file], withArchive);
      expect(built.run.code, built.run.stderr).toBe(0);
      return readFileSync(file, 'utf8');
    };
    const first = await digest();
    expect(await digest()).toBe(first);
  }, 120_000);

  it('builds FROM a single-snapshot stage as that stage plus one layer', async () => {
    const built = await h.build(
      { Dockerfile: 'ARG BASE\nFROM ${BASE} AS one\nRUN echo 1 > /one\nRUN echo 2 > /two\nFROM one\nRUN echo 3 > /three\nRUN rm /one\n' },
      ['--single-snapshot'],
    );
    expect(built.run.code, built.run.stderr).toBe(0);
    expect(built.config.rootfs.diff_ids).toHaveLength(3);
    const facts = readTreeFacts(built.rootfs);
    expect([facts.has('/one'), facts.has('/two'), facts.has('/three')]).toEqual([false, true, true]);
  }, 60_000);

  it('adds no layer for a metadata-only stage, as kaniko', async () => {
    const built = await h.build({ Dockerfile: 'ARG BASE\nFROM ${BASE}\nENV A=1\nLABEL x=y\n' }, ['--single-snapshot']);
    expect(built.run.code, built.run.stderr).toBe(0);
    expect(built.config.rootfs.diff_ids).toHaveLength(1);
    expect(built.config.history.slice(1).map((e) => e.empty_layer)).toEqual([true, true]);
    expect(built.run.stderr).toMatch(/single snapshot done .* no changes, no layer/);
    // Nothing needed files, so the base was never extracted.
    expect(built.run.stderr).not.toMatch(/base image extracted/);
  }, 60_000);
});

describe('--single-snapshot with --cache (e2e)', () => {
  const CACHED = `ARG BASE
FROM \${BASE} AS builder
RUN cat /proc/sys/kernel/random/uuid > /built-id
FROM \${BASE}
COPY a.txt /a.txt
COPY --from=builder /built-id /built-id
RUN cat /proc/sys/kernel/random/uuid > /final-id
ENV DONE=1
`;

  it('keeps one entry per stage: unchanged stages hit and run nothing, a changed one rebuilds', async () => {
    const cacheRepo = `${h.registry.host}/e2e/single-cache`;
    const build = async (a: string) => {
      const file = join(h.work.path, `cached-digest-${Date.now()}`);
      const args = ['--reproducible', '--single-snapshot', '--cache', '--cache-repo', cacheRepo, '--digest-file', file];
      const built = await h.build({ Dockerfile: CACHED, 'a.txt': a }, args);
      expect(built.run.code, built.run.stderr).toBe(0);
      expect(built.run.stderr).not.toMatch(/cache write failed|cache lookup failed/);
      return { built, digest: readFileSync(file, 'utf8'), id: (p: string) => readFileSync(join(built.rootfs, p), 'utf8') };
    };
    const cold = await build('a\n');
    expect(cold.built.run.stderr).toMatch(/cache: 0 of 2 single-snapshot stages found/);
    expect(cold.built.config.rootfs.diff_ids).toHaveLength(2);

    // Unchanged: both stages come from the cache. The RUNs print fresh uuids, so the same digest
    // means nothing ran; the base was not even extracted.
    const warm = await build('a\n');
    expect(warm.built.run.stderr).toMatch(/cache: 2 of 2 single-snapshot stages found/);
    expect(warm.built.run.stderr).not.toMatch(/base image extracted/);
    expect(warm.digest).toBe(cold.digest);

    // A changed COPY source: the builder stage still hits, the final stage runs again.
    const changed = await build('changed\n');
    expect(changed.built.run.stderr).toMatch(/cache: 1 of 2 single-snapshot stages found/);
    expect(changed.built.config.rootfs.diff_ids).toHaveLength(2);
    expect(changed.id('built-id')).toBe(cold.id('built-id'));
    expect(changed.id('final-id')).not.toBe(cold.id('final-id'));
    expect(readFileSync(join(changed.built.rootfs, 'a.txt'), 'utf8')).toBe('changed\n');

    // One entry per stage and build, never per step: 2 cold + 1 for the changed final stage.
    const tags = (await (await fetch(`${h.registry.url}/v2/e2e/single-cache/tags/list`)).json()) as { tags: string[] };
    expect(tags.tags).toHaveLength(3);
  }, 180_000);
});
