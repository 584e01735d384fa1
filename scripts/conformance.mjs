#!/usr/bin/env node
// The differential conformance run: builds every case of fixtures/conformance with tsbuild and
// with buildah (`bud --isolation chroot --format docker`, vfs storage in a temp dir), compares the
// two images, and prints a table and `N passed, N failed`. The builds and comparisons run under
// vitest (test/conformance/differential.conformance.ts) so they share the TypeScript test helpers
// (registry, busybox base, unpacking, tree facts) with the corpus test; this script checks the
// tools, runs it quietly, and prints the report. It installs nothing. Extra arguments go to
// vitest (e.g. `-t 63-` for one case).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const TOOLS = [
  ['buildah', 'apt-get install -y buildah'],
  ['umoci', 'apt-get install -y umoci'],
  ['docker-registry', 'apt-get install -y docker-registry'],
  ['getfattr', 'apt-get install -y attr'],
];

const missing = TOOLS.filter(([tool]) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
if (missing.length > 0) {
  for (const [tool, hint] of missing) process.stderr.write(`conformance: ${tool} is not installed (${hint})\n`);
  process.exit(2);
}
if (!existsSync(join(ROOT, 'dist/cli/main.js'))) {
  process.stderr.write('conformance: dist/ is missing; run `npm run build` first\n');
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'tsbuild-conformance-'));
const report = join(dir, 'report.json');
const log = join(dir, 'vitest.log');
const vitest = spawnSync(
  process.execPath,
  [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'test/conformance/vitest.differential.config.ts', ...process.argv.slice(2)],
  { cwd: ROOT, env: { ...process.env, CONFORMANCE_REPORT: report }, encoding: 'utf8', maxBuffer: 256 << 20 },
);
writeFileSync(log, `${vitest.stdout}\n${vitest.stderr}`);
if (!existsSync(report)) {
  process.stderr.write(`${vitest.stdout}\n${vitest.stderr}\nconformance: the differential run produced no report\n`);
  process.exit(1);
}

const results = JSON.parse(readFileSync(report, 'utf8'));
const width = Math.max(4, ...results.map((r) => r.name.length));
const statusWidth = Math.max(6, ...results.map((r) => r.status.length));
const line = (a, b, c) => `${a.padEnd(width)} | ${b.padEnd(statusWidth)} | ${c}`;
const out = [line('case', 'result', 'differences'), `${'-'.repeat(width)}-+-${'-'.repeat(statusWidth)}-+-${'-'.repeat(40)}`];
for (const r of results) {
  const first = r.differences[0] ?? '';
  const more = r.differences.length > 1 ? ` (+${r.differences.length - 1} more)` : '';
  out.push(line(r.name, r.status, `${r.note ? `[${r.note}] ` : ''}${first}${more}`));
}
const detailed = results.filter((r) => r.differences.length > 1);
if (detailed.length > 0) out.push('', 'All differences:');
for (const r of detailed) {
  out.push(`  ${r.name} (${r.status}):`);
  for (const d of r.differences.slice(0, 40)) out.push(`    ${d}`);
  if (r.differences.length > 40) out.push(`    … ${r.differences.length - 40} more`);
}
const count = (s) => results.filter((r) => r.status === s).length;
out.push('', `vitest log: ${log}`);
out.push(`${count('passed')} passed, ${count('failed')} failed, ${count('differs (buildah)')} differ where buildah departs from Docker (docs/compatibility.md)`);
process.stdout.write(`${out.join('\n')}\n`);
if (process.env.CONFORMANCE_KEEP !== '1') rmSync(report, { force: true });
process.exit(count('failed') > 0 || vitest.status !== 0 ? 1 : 0);
