/**
 * The conformance corpus against tsbuild: every case in fixtures/conformance is built with the
 * real `bin/tsbuild` against a real registry, unpacked with umoci (as root, so owners are real)
 * and checked against its `expected.json` — facts taken from Docker/BuildKit, not from tsbuild.
 * Cases marked `pending` need a feature that is not implemented yet and are skipped (unless
 * CONFORMANCE_RUN_PENDING=1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { pushBusybox } from '../helpers/busybox-image.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';
import { readTreeFacts } from '../helpers/tree-facts.js';
import { CORPUS, loadCases } from './cases.js';
import { buildWithTsbuild, type CorpusEnv } from './build-tsbuild.js';
import { checkError, checkExpected } from './check-expected.js';
import { serveFiles, type FileServer } from './file-server.js';
import { limitConcurrency } from './limit.js';
import { findSecretLeaks } from './secret-leaks.js';

const cases = loadCases();
// CONFORMANCE_RUN_PENDING=1 runs the pending cases too, to see which ones a new feature fixed.
const runPending = process.env['CONFORMANCE_RUN_PENDING'] === '1';
// Two builds at a time: the machine has two cores and each build is a subprocess.
const limit = limitConcurrency(2);

let registry: TestRegistry;
let files: FileServer;
let work: TempDir;
let env: CorpusEnv;

beforeAll(async () => {
  registry = await startRegistry();
  files = await serveFiles(CORPUS);
  work = await tempDir();
  await pushBusybox(registry.host, work.path);
  env = { base: `${registry.host}/base/busybox:latest`, http: files.url };
});
afterAll(async () => {
  await registry?.stop();
  await files?.[Symbol.asyncDispose]();
  await work?.[Symbol.asyncDispose]();
});

describe('conformance corpus (tsbuild)', () => {
  it('has at least 50 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
  });

  for (const c of cases) {
    const test = c.expected.pending && !runPending ? it.skip : it.concurrent;
    test(`${c.name}: ${c.expected.description}`, { timeout: 180_000 }, async () => {
      await using dir = await tempDir();
      const outcome = await limit(() => buildWithTsbuild(c, env, dir.path));
      const { expectError } = c.expected;
      if (expectError) {
        expect(checkError(expectError, outcome.code, outcome.output), outcome.output).toEqual([]);
        return;
      }
      expect(outcome.code, outcome.output).toBe(0);
      const image = outcome.image!;
      expect(checkExpected(c.expected, readTreeFacts(image.rootfs), image.config)).toEqual([]);
      expect(findSecretLeaks(c, outcome.layout!, outcome.output)).toEqual([]);
    });
  }
});
