/**
 * argv + environment → a validated BuildOptions, with no side effects: commander is wired from
 * the flag table, asked not to exit or print, and every problem becomes one UsageError line.
 */
import { Command, CommanderError, Option } from 'commander';
import { compressionLevel, MAX_ZSTD_LEVEL } from '../image/index.js';
import { parseReference, TsbuildError, UsageError } from '../oci/index.js';
import type { z } from 'zod';
import { FLAGS, type FlagSpec } from './flags.js';
import { BuildOptionsSchema, type BuildOptions } from './options.js';
import { WARMER_FLAGS, WarmerOptionsSchema, type WarmerOptions } from './warmer-options.js';
import { parseContextSource } from './context-source.js';
import { noPushFromEnv, parsePflagBool, refuseUnsupportedKanikoFlags, rewriteDeprecatedFlags } from './kaniko-flags.js';

export type ParsedArgs =
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'version'; readonly text: string }
  | { readonly kind: 'build'; readonly options: BuildOptions }
  | { readonly kind: 'warmer'; readonly options: WarmerOptions };

type FlagTable = Readonly<Record<string, FlagSpec | null>>;

export interface ParseEnv {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly isTTY: boolean;
  readonly version: string;
}

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

const defaultsOn = (spec: FlagSpec) => spec.kind === 'bool' && spec.default === 'true';

/**
 * pflag (kaniko) accepts `--flag=<bool>` (Go's ParseBool: true, false, 1, 0, t, F, TRUE, …) for
 * booleans; commander does not. `=false` drops a flag that is off by default and becomes
 * `--no-flag` for one that is on by default; a value that is not a bool is pflag's usage error.
 */
function normaliseBooleans(argv: readonly string[], flags: FlagTable): string[] {
  const bools = new Map<string, FlagSpec>(Object.values(flags).flatMap((f) => (f?.kind === 'bool' ? [[`--${f.long}`, f] as const] : [])));
  return argv.flatMap((arg) => {
    const m = /^(--[a-z-]+)=(.*)$/s.exec(arg);
    const spec = m ? bools.get(m[1]!) : undefined;
    if (!m || !spec) return [arg];
    const value = parsePflagBool(m[2]!);
    if (value === undefined) throw new UsageError(`invalid argument ${JSON.stringify(m[2])} for "${m[1]}" flag: expected true or false`);
    if (value) return [m[1]!];
    return defaultsOn(spec) ? [`--no-${spec.long}`] : [];
  });
}

function optionFor(spec: FlagSpec): Option {
  const names = `${spec.short ? `-${spec.short}, ` : ''}--${spec.long}`;
  if (spec.kind === 'bool') return new Option(names, spec.help);
  if (spec.kind === 'optionalBool') return new Option(`${names} [bool]`, spec.help);
  const opt = new Option(`${names} <${spec.valueName ?? 'value'}>`, spec.help);
  if (spec.kind === 'string' || spec.kind === 'int') return spec.default === undefined ? opt : opt.default(spec.default);
  return opt.argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v]).default([]);
}

function readBool(opts: Record<string, unknown>, spec: FlagSpec): boolean {
  const { long } = spec;
  if (long.startsWith('no-')) return opts[camel(long.slice(3))] === false;
  const value = opts[camel(long)];
  return value === undefined ? defaultsOn(spec) : value === true;
}

function splitKeyValue(flag: string, raw: string, env: ParseEnv['env']): [string, string] | undefined {
  const eq = raw.indexOf('=');
  if (eq === 0) throw new UsageError(`--${flag} ${JSON.stringify(raw)}: expected K=V`);
  if (eq > 0) return [raw.slice(0, eq), raw.slice(eq + 1)];
  if (flag !== 'build-arg') throw new UsageError(`--${flag} ${JSON.stringify(raw)}: expected K=V`);
  // Docker: a bare `--build-arg K` takes K from the environment, and is dropped when K is unset.
  const value = env[raw];
  return value === undefined ? undefined : [raw, value];
}

function program(name: string, description: string, flags: FlagTable, version: string): Command {
  const cmd = new Command(name)
    .description(description)
    .version(version, '--version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} });
  for (const spec of Object.values(flags)) {
    if (!spec) continue;
    cmd.addOption(optionFor(spec));
    if (defaultsOn(spec)) cmd.addOption(new Option(`--no-${spec.long}`, `turn --${spec.long} off`).hideHelp());
  }
  return cmd;
}

/** Parses the command line (`tsbuild …` or `tsbuild warmer …`); throws UsageError for anything a user got wrong. */
export function parseArgs(argv: readonly string[], penv: ParseEnv): ParsedArgs {
  if (argv[0] === 'warmer') {
    const parsed = parseFlags('tsbuild warmer', 'Download base images into a --cache-dir ahead of builds.', WARMER_FLAGS, WarmerOptionsSchema, argv.slice(1), penv);
    return 'text' in parsed ? parsed : { kind: 'warmer', options: parsed.options };
  }
  const renamed = rewriteDeprecatedFlags(argv);
  const parsed = parseFlags('tsbuild', 'Build a container image from a Dockerfile without a daemon, and push it.', FLAGS, BuildOptionsSchema, renamed.argv, penv);
  if ('text' in parsed) return parsed;
  const options = { ...parsed.options, noPush: noPushFromEnv(parsed.options.noPush, penv.env), deprecationWarnings: renamed.warnings };
  return { kind: 'build', options: checkCombinations(options) };
}

type Parsed<T> = { readonly kind: 'help' | 'version'; readonly text: string } | { readonly options: T };

/** Commander wired from `flags`, then zod: the same rules for every command. */
function parseFlags<S extends z.ZodType<object>>(name: string, description: string, flags: FlagTable, schema: S, argv: readonly string[], penv: ParseEnv): Parsed<z.infer<S>> {
  const cmd = program(name, description, flags, penv.version);
  try {
    cmd.parse(normaliseBooleans(argv, flags), { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help') return { kind: 'help', text: cmd.helpInformation() };
      if (err.code === 'commander.version') return { kind: 'version', text: penv.version };
      throw new UsageError(err.message.replace(/^error: /, ''));
    }
    throw err;
  }
  const opts = cmd.opts<Record<string, unknown>>();
  const raw: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(flags)) {
    if (!spec) continue;
    const fromEnv = spec.env === undefined ? undefined : penv.env[spec.env];
    const given = opts[camel(spec.long)];
    const value =
      spec.kind === 'bool' ? readBool(opts, spec) : fromEnv ? [...(given as string[]), fromEnv] : given;
    raw[key] =
      spec.kind === 'keyValue'
        ? (value as string[]).flatMap((v) => {
            const pair = splitKeyValue(spec.long, v, penv.env);
            return pair ? [pair] : [];
          })
        : value;
  }
  raw['logFormat'] ??= penv.isTTY ? 'color' : 'text';
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const spec = flags[String(issue.path[0])];
    throw new UsageError(`--${spec?.long ?? String(issue.path[0])}: ${issue.message}`);
  }
  return { options: parsed.data };
}

/** kaniko's -1 is the format's default level; gzip takes 0 (stored) to 9, zstd 1 to 19. */
function checkCompressionLevel(o: BuildOptions): void {
  if (o.compressionLevel === -1) return;
  const [min, max] = o.compression === 'gzip' ? [0, 9] : [1, MAX_ZSTD_LEVEL];
  if (o.compressionLevel < min || o.compressionLevel > max) {
    const fallback = compressionLevel({ format: o.compression });
    throw new UsageError(`--compression-level=${o.compressionLevel}: ${o.compression} levels are ${min} to ${max} (-1 is the default, ${fallback})`);
  }
}

function checkCombinations(o: BuildOptions): BuildOptions {
  refuseUnsupportedKanikoFlags(o);
  parseContextSource(o.context, o.bucket);
  checkCompressionLevel(o);
  if (o.destinations.length === 0 && !o.noPush) {
    throw new UsageError('no --destination given: name one (repeatable) or use --no-push');
  }
  for (const [flag, value] of [['image-name-with-digest-file', o.imageNameWithDigestFile], ['image-name-tag-with-digest-file', o.imageNameTagWithDigestFile]]) {
    if (value !== undefined && o.destinations.length === 0) throw new UsageError(`--${flag} needs at least one --destination to name`);
  }
  for (const d of o.destinations) {
    try {
      parseReference(d);
    } catch (err) {
      throw new UsageError(`--destination: ${err instanceof TsbuildError ? err.message : String(err)}`, { cause: err });
    }
  }
  return o;
}
