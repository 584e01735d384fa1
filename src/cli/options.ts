/**
 * BuildOptions: everything a build is asked to do, validated once by zod. Only cli/ sees this
 * whole shape; the modules below take the narrow pieces they need.
 */
import { z } from 'zod';
import { MAX_ZSTD_LEVEL } from '../image/index.js';
import { ISOLATION_MODES } from '../sandbox/index.js';
import { parseGoDuration } from '../dockerfile/index.js';
import { parseSshFlag } from './ssh-flag.js';
import { parseGitFlags } from './git-flag.js';
import { KANIKO_ONLY_SCHEMA } from './kaniko-flags.js';

/** One `--secret`: where its value comes from (read later, by the build). */
export type SecretFlag = { readonly id: string; readonly src: string } | { readonly id: string; readonly env: string };

/**
 * `--secret id=ID,src=PATH` or `id=ID,env=VAR` (docker build's syntax; `source` for `src`, an
 * optional `type=file|env`). Only `id=ID` means the environment variable ID, as buildx does.
 */
function parseSecretFlag(text: string, ctx: z.RefinementCtx): SecretFlag {
  const fields = new Map<string, string>();
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? '' : part.slice(eq + 1);
    if (!['id', 'src', 'source', 'env', 'type'].includes(key) || value === '') {
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(part)}: expected id=ID with src=PATH or env=VAR` });
      return { id: '', env: '' };
    }
    fields.set(key === 'source' ? 'src' : key, value);
  }
  const id = fields.get('id');
  const src = fields.get('src');
  const type = fields.get('type');
  const bad = id === undefined || (src !== undefined && fields.has('env')) || (type !== undefined && type !== 'file' && type !== 'env');
  if (bad) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(text)}: expected id=ID with src=PATH or env=VAR` });
    return { id: '', env: '' };
  }
  if (src !== undefined || type === 'file') return { id, src: src ?? id };
  return { id, env: fields.get('env') ?? id };
}

export const LOG_FORMATS = ['text', 'color', 'json'] as const;
export const VERBOSITIES = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'panic'] as const;

export const BuildOptionsSchema = z.object({
  context: z.string().min(1),
  contextSubPath: z.string().min(1).optional(),
  bucket: z.string().min(1).optional(),
  git: z.array(z.string()).transform(parseGitFlags),
  dockerfile: z.string().min(1).optional(),
  destinations: z.array(z.string().min(1)),
  buildArgs: z.array(z.tuple([z.string().min(1), z.string()])),
  target: z.string().min(1).optional(),
  noPush: z.boolean(),
  tarPath: z.string().min(1).optional(),
  ociLayoutPath: z.string().min(1).optional(),
  digestFile: z.string().min(1).optional(),
  insecure: z.boolean(),
  insecurePull: z.boolean(),
  insecureRegistries: z.array(z.string().min(1)),
  skipTlsVerify: z.boolean(),
  skipTlsVerifyPull: z.boolean(),
  labels: z.array(z.tuple([z.string().min(1), z.string()])),
  reproducible: z.boolean(),
  singleSnapshot: z.boolean(),
  verbosity: z.enum(VERBOSITIES),
  logFormat: z.enum(LOG_FORMATS),
  logTimestamp: z.boolean(),
  kanikoDir: z.string().min(1).optional(),
  customPlatform: z.string().min(1).optional(),
  imageNameWithDigestFile: z.string().min(1).optional(),
  imageNameTagWithDigestFile: z.string().min(1).optional(),
  registryMirrors: z.array(z.string().min(1)),
  registryMaps: z.array(z.string().min(1)),
  skipDefaultRegistryFallback: z.boolean(),
  skipTlsVerifyRegistries: z.array(z.string().min(1)),
  registryCertificates: z.array(z.tuple([z.string().min(1), z.string().min(1)])),
  registryClientCerts: z.array(z.tuple([z.string().min(1), z.string().min(1)])),
  pushRetry: z.coerce.number().int().min(0),
  imageDownloadRetry: z.coerce.number().int().min(0),
  imageFsExtractRetry: z.coerce.number().int().min(0),
  compression: z.enum(['gzip', 'zstd']),
  // The range of the widest format (zstd); parse-args checks the chosen format's own range.
  compressionLevel: z.coerce.number().int().min(-1).max(MAX_ZSTD_LEVEL),
  skipPushPermissionCheck: z.boolean(),
  pushIgnoreImmutableTagErrors: z.boolean(),
  isolation: z.enum(ISOLATION_MODES),
  cleanup: z.boolean(),
  ignorePaths: z.array(z.string().min(1)),
  cache: z.boolean(),
  cacheRepo: z.string().min(1).optional(),
  cacheTtl: z.string().transform((text, ctx) => {
    // Go's time.ParseDuration (as kaniko), in nanoseconds; a TTL cannot be negative.
    const ns = parseGoDuration(text);
    const ms = ns === undefined || ns < 0 ? undefined : Math.round(ns / 1e6);
    if (ms === undefined) ctx.addIssue({ code: 'custom', message: `not a duration: ${JSON.stringify(text)} (use e.g. 336h, 30m, 90s)` });
    return ms ?? 0;
  }),
  cacheCopyLayers: z.boolean(),
  cacheRunLayers: z.boolean(),
  noPushCache: z.boolean(),
  cacheDir: z.string().min(1).optional(),
  secrets: z.array(z.string().transform(parseSecretFlag)),
  ssh: z.array(z.string().transform(parseSshFlag)),
  ...KANIKO_ONLY_SCHEMA,
});

/** A validated request from the command line (`cacheTtl` in milliseconds). */
export type BuildOptions = z.infer<typeof BuildOptionsSchema>;
