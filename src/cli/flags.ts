/**
 * The flag table: one row per BuildOptions key, with kaniko's names and meanings. Commander is
 * wired from it in parse-args.ts, so a new option is one row here plus its schema entry.
 */
import type { BuildOptions } from './options.js';
import { KANIKO_ONLY_FLAGS } from './kaniko-flags.js';

/** `optionalBool`: `--flag`, `--flag=<bool>` or absent (undefined), for flags whose absence matters. */
export type FlagKind = 'string' | 'int' | 'list' | 'bool' | 'optionalBool' | 'keyValue';

export interface FlagSpec {
  /** Long name without dashes, as kaniko spells it. */
  readonly long: string;
  readonly short?: string;
  readonly kind: FlagKind;
  readonly help: string;
  /** The value used when the flag is absent (strings; `'true'` for a boolean that defaults to on; lists default to []). */
  readonly default?: string;
  readonly valueName?: string;
  /** An environment variable whose value is added to a list flag's values (kaniko's KANIKO_*). */
  readonly env?: string;
}

/** Every option's flag; `null` would mean "set by the program, not the command line". */
export const FLAGS: { readonly [K in keyof BuildOptions]-?: FlagSpec | null } = {
  context: { long: 'context', short: 'c', kind: 'string', default: '/workspace', valueName: 'path', help: 'build context: a directory (or dir://DIR), tar://FILE (a tar, compressed or not), tar://stdin, git://HOST/REPO.git[#REF[#COMMIT]] or https://…/context.tar.gz' },
  contextSubPath: { long: 'context-sub-path', kind: 'string', valueName: 'path', help: 'build from this directory inside the context (after a tar or git context is unpacked)' },
  bucket: { long: 'bucket', short: 'b', kind: 'string', valueName: 'bucket', help: 'refused: contexts in a GCS bucket are not supported (stream the tar in with --context tar://stdin)' },
  git: { long: 'git', kind: 'list', valueName: 'KEY=VALUE', help: 'how a git:// context is cloned: branch=B, recurse-submodules=BOOL, insecure-skip-tls=BOOL, single-branch=BOOL (repeatable or comma-joined); auth from GIT_TOKEN or GIT_USERNAME/GIT_PASSWORD, GIT_PULL_METHOD=http for plain HTTP' },
  dockerfile: { long: 'dockerfile', short: 'f', kind: 'string', valueName: 'path', help: 'path to the Dockerfile (default: Dockerfile in the context), or an http(s) URL to download it from' },
  destinations: { long: 'destination', short: 'd', kind: 'list', valueName: 'ref', help: 'registry/repository:tag to push to (repeatable)' },
  buildArgs: { long: 'build-arg', kind: 'keyValue', valueName: 'K=V', help: 'build-time variable; a bare K takes its value from the environment (repeatable)' },
  target: { long: 'target', kind: 'string', valueName: 'stage', help: 'build this stage and the stages it needs, not the last one' },
  noPush: { long: 'no-push', kind: 'bool', help: 'build without pushing' },
  tarPath: { long: 'tar-path', kind: 'string', valueName: 'path', help: 'also write the image as a docker-load / docker-archive tarball' },
  ociLayoutPath: { long: 'oci-layout-path', kind: 'string', valueName: 'dir', help: 'also write the image to an OCI image layout directory' },
  digestFile: { long: 'digest-file', kind: 'string', valueName: 'path', help: 'write the image manifest digest to this file' },
  insecure: { long: 'insecure', kind: 'bool', help: 'push to registries over plain HTTP' },
  insecurePull: { long: 'insecure-pull', kind: 'bool', help: 'pull from registries over plain HTTP' },
  insecureRegistries: { long: 'insecure-registry', kind: 'list', valueName: 'host[:port]', help: 'use plain HTTP for this registry, for push and pull (repeatable)' },
  skipTlsVerify: { long: 'skip-tls-verify', kind: 'bool', help: 'push without verifying TLS certificates' },
  skipTlsVerifyPull: { long: 'skip-tls-verify-pull', kind: 'bool', help: 'pull without verifying TLS certificates' },
  labels: { long: 'label', kind: 'keyValue', valueName: 'K=V', help: 'add a label to the image config (repeatable)' },
  reproducible: { long: 'reproducible', kind: 'bool', help: 'clamp timestamps in layers and config to SOURCE_DATE_EPOCH (or 0)' },
  singleSnapshot: { long: 'single-snapshot', kind: 'bool', help: 'one layer per stage for everything its instructions change, snapshotted at the end' },
  verbosity: { long: 'verbosity', short: 'v', kind: 'string', default: 'info', valueName: 'level', help: 'log level: trace, debug, info, warn, error, fatal, panic' },
  logTimestamp: { long: 'log-timestamp', kind: 'bool', help: 'full date and time (UTC, ms) on every text log line instead of HH:MM:ss' },
  logFormat: { long: 'log-format', kind: 'string', valueName: 'format', help: 'text, color or json (default: color on a terminal, text otherwise)' },
  kanikoDir: { long: 'kaniko-dir', kind: 'string', valueName: 'dir', help: 'where the work directory for rootfs trees and layers is created (default $KANIKO_DIR, else $TSBUILD_WORK_DIR, else the temp dir); always removed afterwards' },
  customPlatform: { long: 'custom-platform', kind: 'string', valueName: 'os/arch[/variant]', help: 'platform to build for and to pick from multi-platform base images (default linux/amd64)' },
  imageNameWithDigestFile: { long: 'image-name-with-digest-file', kind: 'string', valueName: 'path', help: 'write registry/repository@digest for each destination to this file' },
  imageNameTagWithDigestFile: { long: 'image-name-tag-with-digest-file', kind: 'string', valueName: 'path', help: 'write registry/repository:tag@digest for each destination to this file' },
  registryMirrors: { long: 'registry-mirror', kind: 'list', env: 'KANIKO_REGISTRY_MIRROR', valueName: 'host[/path]', help: 'pull docker.io images from this mirror first (repeatable, tried in order)' },
  registryMaps: { long: 'registry-map', kind: 'list', env: 'KANIKO_REGISTRY_MAP', valueName: 'ORIG=NEW[;ORIG=NEW2]', help: 'pull ORIG registry images from NEW first (repeatable, tried in order)' },
  skipDefaultRegistryFallback: { long: 'skip-default-registry-fallback', kind: 'bool', help: 'do not fall back to the original registry when every mirror failed' },
  skipTlsVerifyRegistries: { long: 'skip-tls-verify-registry', kind: 'list', valueName: 'host[:port]', help: 'do not verify TLS certificates of this registry (repeatable)' },
  registryCertificates: { long: 'registry-certificate', kind: 'keyValue', valueName: 'REG=PATH', help: 'trust this CA certificate (PEM) for registry REG (repeatable)' },
  registryClientCerts: { long: 'registry-client-cert', kind: 'keyValue', valueName: 'REG=CERT,KEY', help: 'present this client certificate and key to registry REG (repeatable)' },
  pushRetry: { long: 'push-retry', kind: 'int', default: '0', valueName: 'n', help: 'retry a push that failed temporarily this many times' },
  imageDownloadRetry: { long: 'image-download-retry', kind: 'int', default: '0', valueName: 'n', help: 'retry pulling a base image that failed temporarily this many times' },
  imageFsExtractRetry: { long: 'image-fs-extract-retry', kind: 'int', default: '0', valueName: 'n', help: 'retry each base-layer download (resumed where it broke) this many more times, on top of the 3 retries of every registry request' },
  compression: { long: 'compression', kind: 'string', default: 'gzip', valueName: 'gzip|zstd', help: 'compression of new layers: gzip, or zstd (the image then gets OCI media types)' },
  compressionLevel: { long: 'compression-level', kind: 'int', default: '-1', valueName: 'n', help: 'level of new layers: gzip 0 (none) to 9, zstd 1 to 19; -1 is the default (gzip 6, zstd 3)' },
  skipPushPermissionCheck: { long: 'skip-push-permission-check', kind: 'bool', help: 'do not check that every destination accepts pushes before building' },
  pushIgnoreImmutableTagErrors: { long: 'push-ignore-immutable-tag-errors', kind: 'bool', help: 'treat a registry refusing to overwrite an immutable tag as success' },
  isolation: { long: 'isolation', kind: 'string', default: 'auto', valueName: 'mode', help: 'RUN isolation: auto (the strongest this process may use), chroot, userns, rootless or degraded' },
  cleanup: { long: 'cleanup', kind: 'bool', help: "accepted for kaniko's flag: the work directory is always removed when the build ends" },
  cache: { long: 'cache', kind: 'bool', help: 'reuse layers of earlier builds from the cache repository, and save new ones there' },
  cacheRepo: { long: 'cache-repo', kind: 'string', valueName: 'repo', help: 'repository of the layer cache (default <first destination>/cache); oci:/path for a local OCI layout' },
  cacheTtl: { long: 'cache-ttl', kind: 'string', default: '336h', valueName: 'duration', help: 'cached layers older than this are not used (Go duration: 336h, 30m)' },
  cacheCopyLayers: { long: 'cache-copy-layers', kind: 'bool', default: 'true', help: 'cache COPY and ADD layers too (keyed by the content of their sources; --cache-copy-layers=false to disable)' },
  cacheRunLayers: { long: 'cache-run-layers', kind: 'bool', default: 'true', help: 'cache RUN layers (--cache-run-layers=false to disable)' },
  noPushCache: { long: 'no-push-cache', kind: 'bool', help: 'use the cache but do not save new layers to it' },
  cacheDir: { long: 'cache-dir', kind: 'string', valueName: 'dir', help: "base images stored by 'tsbuild warmer'; used before pulling, without network when the digest is known" },
  secrets: { long: 'secret', kind: 'list', valueName: 'id=ID,src=PATH|id=ID,env=VAR', help: 'a secret for RUN --mount=type=secret, from a file or an environment variable; never stored in the image (repeatable)' },
  ssh: { long: 'ssh', kind: 'list', valueName: 'default|ID[=SOCKET|KEY[,KEY]]', help: 'an SSH agent for RUN --mount=type=ssh: default (or ID alone) is $SSH_AUTH_SOCK, else an agent socket or private key files; never stored in the image (repeatable)' },
  ...KANIKO_ONLY_FLAGS,
  deprecationWarnings: null,
  ignorePaths: { long: 'ignore-path', kind: 'list', valueName: 'path', help: "accepted for kaniko's flag: tsbuild never snapshots its own filesystem, so there is nothing to ignore" },
};
