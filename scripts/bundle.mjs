#!/usr/bin/env node
// Bundles the compiled CLI (dist/cli/main.js and everything it imports, dependencies included)
// into one file, dist/cli/tsbuild.mjs, which bin/tsbuild runs. Node 20 spends about 0.2 s
// resolving and compiling ~250 modules on every start; one file halves the start-up, which is
// most of a fully cached build. tsc stays the compiler and type checker; esbuild only joins files.
// `npm run build` bundles even when tsc reports type errors (tsc still emits, as before) and then
// exits with tsc's status, so a type error fails the build without leaving bin/tsbuild unrunnable.
import { build } from 'esbuild';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
await build({
  entryPoints: [resolve(ROOT, 'dist/cli/main.js')],
  outfile: resolve(ROOT, 'dist/cli/tsbuild.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // CommonJS dependencies call require() for Node's built-ins; an ES module has none of its own.
  banner: { js: "import { createRequire as __tsbuildRequire } from 'node:module'; const require = __tsbuildRequire(import.meta.url);" },
  logLevel: 'warning',
});
