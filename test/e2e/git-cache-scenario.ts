/**
 * ADD of a git repository with the layer cache, whatever the transport: the test's repository
 * `cached.git` (made here under `repos`) is added by `tree`'s Dockerfile, whose RUN copies its
 * file. Cold misses; warm hits both steps; a new commit misses and brings its content.
 */
import { expect } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { E2eHarness } from '../build/e2e-harness.js';
import { git, initRepo } from '../helpers/git-server.js';

/** `tree` must `ADD <cached.git> /c` and then `RUN cat /c/v > /copy`. */
export async function expectCachedByCommit(h: E2eHarness, repos: string, tree: Record<string, string>, args: readonly string[]): Promise<void> {
  const repo = initRepo(repos, 'cached.git');
  writeFileSync(join(repo, 'v'), 'first\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'first');
  const cold = await h.build(tree, args);
  expect(cold.run.code, cold.run.stderr).toBe(0);
  expect(cold.run.stderr).toMatch(/step 1\/2 done .*\(cache miss\)/);
  const warm = await h.build(tree, args);
  expect(warm.run.code, warm.run.stderr).toBe(0);
  expect(warm.run.stderr).toMatch(/step 1\/2 done .*\(cache hit\)/);
  expect(warm.run.stderr).toMatch(/step 2\/2 done .*\(cache hit\)/);
  expect(readFileSync(join(warm.rootfs, 'copy'), 'utf8')).toBe('first\n');
  writeFileSync(join(repo, 'v'), 'second\n');
  git(repo, 'commit', '-q', '-am', 'second');
  const changed = await h.build(tree, args);
  expect(changed.run.code, changed.run.stderr).toBe(0);
  expect(changed.run.stderr).toMatch(/step 1\/2 done .*\(cache miss\)/);
  expect(readFileSync(join(changed.rootfs, 'copy'), 'utf8')).toBe('second\n');
}
