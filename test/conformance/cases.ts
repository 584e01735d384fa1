/**
 * The conformance corpus: `fixtures/conformance/<NN-name>/` holds a Dockerfile, a `context/`
 * directory and `expected.json`, the facts Docker/BuildKit produce for that Dockerfile. This file
 * is the schema of `expected.json` (see fixtures/conformance/README.md) and the loader.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

/** The corpus root. */
export const CORPUS = resolve(import.meta.dirname, '../../fixtures/conformance');

const octal = z.string().regex(/^[0-7]{4}$/, 'mode as four octal digits, e.g. "0755"');

const PathFactSchema = z.strictObject({
  path: z.string().startsWith('/'),
  type: z.enum(['file', 'dir', 'symlink']).optional(),
  absent: z.literal(true).optional(),
  mode: octal.optional(),
  uid: z.number().int().optional(),
  gid: z.number().int().optional(),
  content: z.string().optional(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  size: z.number().int().optional(),
  target: z.string().optional(),
  /** Paths that share a value here must be hardlinks of one inode; a path in no group has one link. */
  linkGroup: z.string().optional(),
  capability: z.string().regex(/^[0-9a-f]+$/).optional(),
});

const ConfigFactsSchema = z.strictObject({
  Env: z.array(z.string()).optional(),
  Cmd: z.array(z.string()).nullable().optional(),
  Entrypoint: z.array(z.string()).nullable().optional(),
  WorkingDir: z.string().optional(),
  User: z.string().optional(),
  Labels: z.record(z.string(), z.string()).nullable().optional(),
  ExposedPorts: z.record(z.string(), z.object({})).nullable().optional(),
  Volumes: z.record(z.string(), z.object({})).nullable().optional(),
  StopSignal: z.string().nullable().optional(),
  Healthcheck: z.record(z.string(), z.unknown()).nullable().optional(),
  Shell: z.array(z.string()).nullable().optional(),
  OnBuild: z.array(z.string()).nullable().optional(),
  author: z.string().optional(),
});

/** A step that completes the context at test time: what git cannot store (owners, special bits, hardlinks, xattrs, archives). */
const ContextOpSchema = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('chmod'), path: z.string(), mode: octal }),
  z.strictObject({ op: z.literal('chown'), path: z.string(), uid: z.number().int(), gid: z.number().int() }),
  z.strictObject({ op: z.literal('mkdir'), path: z.string() }),
  z.strictObject({ op: z.literal('hardlink'), path: z.string(), target: z.string() }),
  z.strictObject({ op: z.literal('symlink'), path: z.string(), target: z.string() }),
  z.strictObject({ op: z.literal('setcap'), path: z.string(), value: z.string().regex(/^[0-9a-f]+$/) }),
  z.strictObject({ op: z.literal('tar'), path: z.string(), dir: z.string(), compress: z.enum(['none', 'gzip']) }),
  z.strictObject({ op: z.literal('remove'), path: z.string() }),
]);

const ExpectedSchema = z.strictObject({
  description: z.string(),
  /** Docker documentation or BuildKit source the expectations come from. */
  reference: z.string(),
  /** Dockerfile path relative to the case folder (default `Dockerfile`). */
  dockerfile: z.string().optional(),
  buildArgs: z.record(z.string(), z.string()).optional(),
  target: z.string().optional(),
  /** Serve `www/` over HTTP and pass its URL as `--build-arg HTTP=http://127.0.0.1:PORT/<case>/www`. */
  http: z.literal(true).optional(),
  contextOps: z.array(ContextOpSchema).optional(),
  /**
   * Build secrets: id → a file under the case folder, given to both builders as `--secret
   * id=ID,src=FILE`. The corpus test also checks that no value reaches the image or the log.
   */
  secrets: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/), z.string()).optional(),
  /** The feature this case needs that tsbuild does not implement yet: the corpus test skips it. */
  pending: z.string().optional(),
  /** Why buildah 1.28, not tsbuild, departs from Docker here: the differential reports, not fails. */
  buildahDiffers: z.string().optional(),
  /**
   * Regular expressions for the differential's difference lines that `buildahDiffers` explains;
   * any other difference still fails. Without it, every difference of the case is explained
   * (for cases buildah cannot build at all).
   */
  buildahDiffersOn: z.array(z.string()).optional(),
  expectError: z.strictObject({ code: z.string().optional(), line: z.number().int().optional(), match: z.string().optional() }).optional(),
  paths: z.array(PathFactSchema).default([]),
  config: ConfigFactsSchema.default({}),
});

/** One path's expected facts. */
export type PathFact = z.infer<typeof PathFactSchema>;
/** Expected image config fields. */
export type ConfigFacts = z.infer<typeof ConfigFactsSchema>;
/** A context preparation step. */
export type ContextOp = z.infer<typeof ContextOpSchema>;
/** A parsed `expected.json`. */
export type Expected = z.infer<typeof ExpectedSchema>;

/** A corpus case on disk. */
export interface ConformanceCase {
  readonly name: string;
  readonly dir: string;
  readonly expected: Expected;
}

/** Every case, sorted by folder name; a malformed `expected.json` throws with its path. */
export function loadCases(root = CORPUS): ConformanceCase[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'expected.json')))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const file = join(root, name, 'expected.json');
      const parsed = ExpectedSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      if (!parsed.success) throw new Error(`${file}: ${parsed.error.message}`);
      return { name, dir: join(root, name), expected: parsed.data };
    });
}
