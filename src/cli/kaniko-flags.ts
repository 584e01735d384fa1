/**
 * kaniko's flags that tune kaniko's own machinery (how it snapshots the filesystem it runs in,
 * what it wipes, which experimental RUN it uses). tsbuild builds in a rootfs of its own, so none
 * of them changes what it does; each is accepted with kaniko's value syntax, so a kaniko
 * Jenkinsfile runs unchanged, and logs one info line saying what tsbuild does instead and why
 * the image is the same or better. Flags with a real meaning tsbuild lacks are refused here,
 * with what to do instead. Rows are spread into flags.ts's table and options.ts's schema.
 */
import { z } from 'zod';
import { UsageError } from '../oci/index.js';
import type { FlagSpec } from './flags.js';
import type { BuildOptions } from './options.js';

/** Go's `strconv.ParseBool` spellings, which pflag accepts in `--flag=<bool>`. */
const PFLAG_BOOLS: ReadonlyMap<string, boolean> = new Map([
  ...['1', 't', 'T', 'TRUE', 'true', 'True'].map((s) => [s, true] as const),
  ...['0', 'f', 'F', 'FALSE', 'false', 'False'].map((s) => [s, false] as const),
]);

/** The boolean a pflag value spells, or undefined when pflag would reject it. */
export function parsePflagBool(text: string): boolean | undefined {
  return PFLAG_BOOLS.get(text);
}

/** A kaniko boolean whose absence matters: true, false, or undefined when not given. */
const optionalBool = z
  .union([z.boolean(), z.string()])
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || typeof value === 'boolean') return value;
    const parsed = parsePflagBool(value);
    if (parsed === undefined) ctx.addIssue({ code: 'custom', message: `expected true or false, got ${JSON.stringify(value)}` });
    return parsed;
  });

const CREDENTIAL_HELPERS = ['env', 'google', 'ecr', 'acr', 'gitlab'] as const;

/** The flags' rows, kaniko's names and value syntax; `optionalBool` also takes `--flag=false`. */
export const KANIKO_ONLY_FLAGS = {
  snapshotMode: { long: 'snapshot-mode', kind: 'string', valueName: 'full|redo|time', help: "accepted for kaniko: tsbuild's RUN snapshot compares inode, mode, owner, size and ns mtime/ctime, which sees every change full would, as fast as redo" },
  useNewRun: { long: 'use-new-run', kind: 'optionalBool', help: 'accepted for kaniko: tsbuild has one RUN implementation (a metadata scan of its own rootfs before and after)' },
  compressedCaching: { long: 'compressed-caching', kind: 'optionalBool', help: 'accepted for kaniko: tsbuild streams every layer to a file and never holds one in memory' },
  ignoreVarRun: { long: 'ignore-var-run', kind: 'optionalBool', help: "accepted for kaniko (--whitelist-var-run is its old name): tsbuild never snapshots the container it runs in, so the host's /var/run cannot reach the image" },
  force: { long: 'force', kind: 'optionalBool', help: 'accepted for kaniko: tsbuild never builds on its own filesystem, so it is safe outside a container' },
  materialize: { long: 'materialize', kind: 'optionalBool', help: 'accepted for kaniko: tsbuild never builds into its own filesystem; the image and its tar/layout outputs are the result' },
  preserveContext: { long: 'preserve-context', kind: 'optionalBool', help: 'accepted for kaniko: tsbuild never deletes anything outside its work dir, so the context always survives' },
  skipUnusedStages: { long: 'skip-unused-stages', kind: 'optionalBool', help: 'accepted for kaniko: tsbuild always builds only the target and the stages it needs, as BuildKit (also with =false)' },
  preCleanup: { long: 'pre-cleanup', kind: 'optionalBool', help: 'accepted for kaniko: every build starts in a fresh work dir' },
  forceBuildMetadata: { long: 'force-build-metadata', kind: 'optionalBool', help: 'accepted for kaniko: metadata-only steps are empty_layer history entries, as docker build records them' },
  credentialHelpers: { long: 'credential-helpers', kind: 'list', valueName: 'env|google|ecr|acr|gitlab', help: 'accepted for kaniko: tsbuild has no built-in helpers; it uses credHelpers/credsStore of $DOCKER_CONFIG/config.json' },
  annotations: { long: 'annotation', kind: 'list', valueName: 'K=V', help: 'refused: manifest annotations are not supported yet (use --label)' },
  imageFormat: { long: 'image-format', kind: 'string', valueName: 'docker|oci', help: 'refused: the image keeps the media types of its base image' },
  dryrun: { long: 'dryrun', kind: 'optionalBool', help: 'refused: tsbuild has no plan-only mode' },
} as const satisfies Record<string, FlagSpec>;

/** Their schema entries (spread into BuildOptionsSchema). */
export const KANIKO_ONLY_SCHEMA = {
  snapshotMode: z.enum(['full', 'redo', 'time']).optional(),
  useNewRun: optionalBool,
  compressedCaching: optionalBool,
  ignoreVarRun: optionalBool,
  force: optionalBool,
  materialize: optionalBool,
  preserveContext: optionalBool,
  skipUnusedStages: optionalBool,
  preCleanup: optionalBool,
  forceBuildMetadata: optionalBool,
  credentialHelpers: z.array(z.union([z.enum(CREDENTIAL_HELPERS), z.literal('')])),
  annotations: z.array(z.string()),
  imageFormat: z.string().optional(),
  dryrun: optionalBool,
  /** Set by parseArgs from the deprecated names it rewrote (kaniko's own warnings). */
  deprecationWarnings: z.array(z.string()).default([]),
};

type KanikoOnly = Pick<BuildOptions, keyof typeof KANIKO_ONLY_SCHEMA>;

const SNAPSHOT =
  'tsbuild compares inode, mode, owner, size and nanosecond mtime and ctime of its own rootfs before and after each RUN and never hashes every file; a write always moves ctime, which no program can set back, so it sees every change full would, as fast as redo';

/** One info line per kaniko-only flag the command line gave, saying what tsbuild does instead. */
export function kanikoFlagNotes(o: KanikoOnly): string[] {
  const notes: (string | false | undefined)[] = [
    o.snapshotMode !== undefined && `--snapshot-mode=${o.snapshotMode} has no effect: ${SNAPSHOT}`,
    o.useNewRun !== undefined && '--use-new-run has no effect: tsbuild has one RUN implementation, a metadata scan of its own rootfs before and after the command (deletions included), so there is no experimental variant to choose',
    o.compressedCaching !== undefined && '--compressed-caching has no effect: tsbuild streams every layer (tar, gzip, both digests) to a file in one pass and never holds a layer in memory, so there is no memory-for-speed trade-off to make',
    o.ignoreVarRun !== undefined &&
      `--ignore-var-run=${o.ignoreVarRun} has no effect: tsbuild snapshots its own rootfs, never the container it runs in, so mounts such as /var/run/docker.sock can never reach the image; /var/run as the base image and RUN leave it is kept, as docker build keeps it`,
    o.force !== undefined && '--force has no effect: tsbuild never builds on the filesystem it runs in, so building outside a container is safe and needs no forcing',
    o.materialize !== undefined && '--materialize has no effect: tsbuild never builds into its own filesystem, so no build leaves files in the container; the image (and --tar-path / --oci-layout-path) is the whole result',
    o.preserveContext !== undefined && '--preserve-context has no effect: tsbuild never deletes anything outside its own work dir, so the build context stays as it was across stages and after the build',
    o.skipUnusedStages === true && '--skip-unused-stages has no effect: tsbuild always builds only the target stage and the stages it needs, as BuildKit does',
    o.skipUnusedStages === false && '--skip-unused-stages=false has no effect: tsbuild still skips the stages the target does not need, as BuildKit does (their RUN steps do not run)',
    o.preCleanup !== undefined && '--pre-cleanup has no effect: every tsbuild build starts in a fresh work dir and never reads the container it runs in, so there is nothing to clean first',
    o.forceBuildMetadata !== undefined && '--force-build-metadata has no effect: tsbuild records every instruction in the image history as docker build does, metadata-only ones as empty_layer entries, and adds no empty layers',
    o.credentialHelpers.length > 0 &&
      '--credential-helpers has no effect: tsbuild has no built-in registry credential helpers; it uses auths, credHelpers and credsStore from $DOCKER_CONFIG/config.json (docker-credential-<name> programs in PATH)',
  ];
  return notes.filter((n): n is string => typeof n === 'string');
}

/** Throws a UsageError for a kaniko flag with a real meaning tsbuild does not implement. */
export function refuseUnsupportedKanikoFlags(o: KanikoOnly): void {
  if (o.annotations.length > 0) throw new UsageError('--annotation is not supported yet: tsbuild cannot annotate the image manifest; use --label for metadata in the image config');
  if (o.imageFormat !== undefined) throw new UsageError('--image-format is not supported yet: the image keeps the media types (docker or OCI) of its base image, as kaniko does without the flag (--compression=zstd makes it OCI)');
  if (o.dryrun === true) throw new UsageError('--dryrun is not supported: tsbuild has no plan-only mode');
}

/** kaniko's deprecated flag names, and the warning kaniko prints for each. */
const DEPRECATED: ReadonlyMap<string, { readonly to: string; readonly warning: string }> = new Map([
  ['--snapshotMode', { to: '--snapshot-mode', warning: 'Flag --snapshotMode is deprecated. Use: --snapshot-mode' }],
  ['--customPlatform', { to: '--custom-platform', warning: 'Flag --customPlatform is deprecated. Use: --custom-platform' }],
  ['--tarPath', { to: '--tar-path', warning: 'Flag --tarPath is deprecated. Use: --tar-path' }],
  ['--whitelist-var-run', { to: '--ignore-var-run', warning: 'Flag --whitelist-var-run has been deprecated, Please use ignore-var-run instead.' }],
]);

/**
 * Rewrites kaniko's deprecated names to the current ones (commander would file `--tarPath` and
 * `--tar-path` under one key and lose which was used), with kaniko's warning for each.
 */
export function rewriteDeprecatedFlags(argv: readonly string[]): { readonly argv: string[]; readonly warnings: string[] } {
  const warnings = new Set<string>();
  const rewritten = argv.map((arg) => {
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    const found = DEPRECATED.get(name);
    if (!found) return arg;
    warnings.add(found.warning);
    return `${found.to}${eq < 0 ? '' : arg.slice(eq)}`;
  });
  return { argv: rewritten, warnings: [...warnings] };
}

/** kaniko reads `KANIKO_NO_PUSH` (a Go bool) over `--no-push`, whatever the command line said. */
export function noPushFromEnv(noPush: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  const raw = env['KANIKO_NO_PUSH'];
  if (raw === undefined) return noPush;
  const parsed = parsePflagBool(raw);
  if (parsed === undefined) throw new UsageError(`invalid value ${JSON.stringify(raw)} for KANIKO_NO_PUSH environment variable: expected true or false`);
  return parsed;
}
