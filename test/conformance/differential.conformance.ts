/**
 * The differential run (`npm run conformance`, via scripts/conformance.mjs): every corpus case is
 * built by tsbuild and by buildah, and the two images are compared (trees and config). Run by
 * vitest with test/conformance/vitest.differential.config.ts so it can share the TS helpers; it
 * is not a `*.test.ts` file, so `npm test` does not run it. The per-case results go to the JSON
 * file named by CONFORMANCE_REPORT, which the script prints as a table.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { pushBusybox } from '../helpers/busybox-image.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';
import { readTreeFacts } from '../helpers/tree-facts.js';
import { buildWithBuildah, type BuildahStore } from './build-buildah.js';
import { buildWithTsbuild, type BuildOutcome, type CorpusEnv } from './build-tsbuild.js';
import { CORPUS, loadCases, type ConformanceCase } from './cases.js';
import { compareConfigs, compareTrees } from './compare-images.js';
import { serveFiles, type FileServer } from './file-server.js';
import { limitConcurrency } from './limit.js';

/** One row of the report. */
export interface DifferentialResult {
  readonly name: string;
  readonly status: 'passed' | 'failed' | 'differs (buildah)';
  readonly note?: string;
  readonly differences: readonly string[];
}

const cases = loadCases();
const limit = limitConcurrency(2);
const results = new Map<string, DifferentialResult>();
let registry: TestRegistry;
let files: FileServer;
let work: TempDir;
let store: BuildahStore;
let env: CorpusEnv;

beforeAll(async () => {
  registry = await startRegistry();
  files = await serveFiles(CORPUS);
  work = await tempDir();
  await pushBusybox(registry.host, work.path);
  const storeDir = await mkdtemp(join(tmpdir(), 'tsbuild-buildah-'));
  store = { root: join(storeDir, 'root'), runroot: join(storeDir, 'runroot') };
  env = { base: `${registry.host}/base/busybox:latest`, http: files.url };
});
afterAll(async () => {
  const report = process.env['CONFORMANCE_REPORT'];
  // Only the cases that ran (a -t filter runs some); a case that crashed fails the vitest run.
  if (report) await writeFile(report, JSON.stringify(cases.flatMap((c) => results.get(c.name) ?? []), null, 2));
  await registry?.stop();
  await files?.[Symbol.asyncDispose]();
  await work?.[Symbol.asyncDispose]();
  if (store) await rm(join(store.root, '..'), { recursive: true, force: true });
});

const firstError = (o: BuildOutcome) => o.output.split('\n').find((l) => /error/i.test(l))?.trim() ?? `exit ${o.code}`;

function judge(c: ConformanceCase, ts: BuildOutcome, bh: BuildOutcome): DifferentialResult {
  let differences: string[];
  if (ts.image && bh.image) {
    differences = [...compareTrees(readTreeFacts(ts.image.rootfs), readTreeFacts(bh.image.rootfs)), ...compareConfigs(ts.image.config, bh.image.config)];
  } else if (!ts.image && !bh.image) {
    differences = c.expected.expectError ? [] : [`both failed; tsbuild: ${firstError(ts)}; buildah: ${firstError(bh)}`];
  } else {
    differences = [ts.image ? `only buildah failed: ${firstError(bh)}` : `only tsbuild failed: ${firstError(ts)}`];
  }
  const base = { name: c.name, differences };
  if (differences.length === 0) return { ...base, status: 'passed' };
  const { buildahDiffers, buildahDiffersOn } = c.expected;
  const explained = (d: string) => buildahDiffersOn === undefined || buildahDiffersOn.some((re) => new RegExp(re).test(d));
  if (buildahDiffers && differences.every(explained)) return { ...base, status: 'differs (buildah)', note: buildahDiffers };
  // Unexplained differences first, so the table shows what fails.
  const sorted = [...differences.filter((d) => !buildahDiffers || !explained(d)), ...differences.filter((d) => buildahDiffers && explained(d))];
  return { name: c.name, differences: sorted, status: 'failed', ...(c.expected.pending ? { note: `pending: ${c.expected.pending}` } : {}) };
}

describe('differential: tsbuild vs buildah', () => {
  for (const c of cases) {
    it.concurrent(c.name, { timeout: 600_000 }, async () => {
      const result = await limit(async () => {
        await using a = await tempDir();
        await using b = await tempDir();
        const ts = await buildWithTsbuild(c, env, a.path);
        const bh = await buildWithBuildah(c, env, b.path, store);
        return judge(c, ts, bh);
      });
      results.set(c.name, result);
      expect(result.status === 'failed' ? result.differences : []).toEqual([]);
    });
  }
});
