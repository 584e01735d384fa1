/**
 * Every flag of kaniko's executor (cmd/executor/cmd/root.go `init` + `addKanikoOptionsFlags`,
 * GoogleContainerTools v1.24 and the osscontainertools fork's additions, with its README's
 * `--dryrun` and `--image-format`) parses with kaniko's value syntax: the list is written out
 * here so that a flag dropped from the table fails a test.
 */
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/parse-args.js';
import { kanikoFlagNotes } from '../../src/cli/kaniko-flags.js';
import type { BuildOptions } from '../../src/cli/options.js';
import { UsageError } from '../../src/oci/index.js';

const penv = (env: Record<string, string> = {}) => ({ env, isTTY: false, version: '9.9.9' });
const build = (argv: readonly string[], env: Record<string, string> = {}): BuildOptions => {
  const parsed = parseArgs(['-d', 'r.io/a:1', ...argv], penv(env));
  if (parsed.kind !== 'build') throw new Error(`expected a build, got ${parsed.kind}`);
  return parsed.options;
};
const usageError = (argv: readonly string[], env: Record<string, string> = {}): UsageError => {
  try {
    build(argv, env);
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error(`${argv.join(' ')} parsed`);
};

/** [kaniko flag, argv that uses it the way kaniko documents]. */
const KANIKO_FLAGS: readonly (readonly [string, readonly string[]])[] = [
  ['verbosity', ['-v', 'debug']],
  ['log-format', ['--log-format=json']],
  ['log-timestamp', ['--log-timestamp']],
  ['force', ['--force']],
  ['dockerfile', ['-f', 'Dockerfile.ci']],
  ['context', ['-c', 'dir:///workspace']],
  ['context-sub-path', ['--context-sub-path=app']],
  ['destination', ['--destination', 'r.io/b:2']],
  ['snapshot-mode', ['--snapshot-mode=redo']],
  ['custom-platform', ['--custom-platform=linux/arm64']],
  ['build-arg', ['--build-arg', 'A=1']],
  ['insecure', ['--insecure']],
  ['skip-tls-verify', ['--skip-tls-verify=true']],
  ['insecure-pull', ['--insecure-pull']],
  ['skip-tls-verify-pull', ['--skip-tls-verify-pull']],
  ['push-retry', ['--push-retry=3']],
  ['push-ignore-immutable-tag-errors', ['--push-ignore-immutable-tag-errors']],
  ['image-fs-extract-retry', ['--image-fs-extract-retry=2']],
  ['image-download-retry', ['--image-download-retry', '2']],
  ['kaniko-dir', ['--kaniko-dir', '/kaniko2']],
  ['tar-path', ['--tar-path=/out/image.tar']],
  ['single-snapshot', ['--single-snapshot']],
  ['reproducible', ['--reproducible']],
  ['target', ['--target', 'app']],
  ['no-push', ['--no-push']],
  ['no-push-cache', ['--no-push-cache']],
  ['cache-repo', ['--cache-repo=r.io/cache']],
  ['cache-dir', ['--cache-dir=/cache']],
  ['digest-file', ['--digest-file=/dev/termination-log']],
  ['image-name-with-digest-file', ['--image-name-with-digest-file=/out/name']],
  ['image-name-tag-with-digest-file', ['--image-name-tag-with-digest-file=/out/tag']],
  ['oci-layout-path', ['--oci-layout-path=/out/layout']],
  ['compression', ['--compression=gzip']],
  ['compression=zstd', ['--compression=zstd', '--compression-level=19']],
  ['compression-level', ['--compression-level=9']],
  ['cache', ['--cache=true']],
  ['compressed-caching', ['--compressed-caching=false']],
  ['pre-cleanup', ['--pre-cleanup']],
  ['cleanup', ['--cleanup']],
  ['cache-ttl', ['--cache-ttl=6h']],
  ['insecure-registry', ['--insecure-registry', 'r.io:5000']],
  ['skip-tls-verify-registry', ['--skip-tls-verify-registry', 'r.io']],
  ['registry-certificate', ['--registry-certificate', 'r.io=/ca.pem']],
  ['registry-client-cert', ['--registry-client-cert', 'r.io=/c.pem,/k.pem']],
  ['registry-map', ['--registry-map', 'index.docker.io=mirror.io']],
  ['registry-mirror', ['--registry-mirror', 'mirror.gcr.io']],
  ['skip-default-registry-fallback', ['--skip-default-registry-fallback']],
  ['ignore-var-run', ['--ignore-var-run=false']],
  ['label', ['--label', 'k=v']],
  ['skip-unused-stages', ['--skip-unused-stages']],
  ['use-new-run', ['--use-new-run']],
  ['git', ['--git', 'branch=main,single-branch=true']],
  ['cache-copy-layers', ['--cache-copy-layers']],
  ['cache-run-layers', ['--cache-run-layers=false']],
  ['ignore-path', ['--ignore-path=/var/mail']],
  ['force-build-metadata', ['--force-build-metadata']],
  ['skip-push-permission-check', ['--skip-push-permission-check']],
  ['preserve-context', ['--preserve-context']],
  ['materialize', ['--materialize=true']],
  ['credential-helpers', ['--credential-helpers=ecr']],
  ['snapshotMode (deprecated)', ['--snapshotMode=time']],
  ['customPlatform (deprecated)', ['--customPlatform=linux/arm64']],
  ['tarPath (deprecated)', ['--tarPath', '/out/image.tar']],
  ['whitelist-var-run (deprecated)', ['--whitelist-var-run=false']],
];

/** kaniko flags with a meaning tsbuild does not have: refused with what to do instead. */
const REFUSED: readonly (readonly [string, readonly string[], RegExp])[] = [
  ['bucket', ['-b', 'my-bucket'], /--bucket my-bucket: build contexts in a cloud bucket are not supported; .*tar:\/\/stdin/],
  ['annotation', ['--annotation', 'k=v'], /--annotation is not supported yet/],
  ['image-format', ['--image-format=oci'], /--image-format is not supported yet/],
  ['dryrun', ['--dryrun'], /--dryrun is not supported/],
];

describe('every kaniko executor flag', () => {
  it.each(KANIKO_FLAGS)('parses --%s', (_flag, argv) => {
    expect(() => build(argv)).not.toThrow();
  });

  it.each(REFUSED)('refuses --%s with a usage error saying what to do', (_flag, argv, message) => {
    const err = usageError(argv);
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(message);
  });

  it('reads the deprecated names into the current options, with kaniko\'s warnings', () => {
    const o = build(['--snapshotMode=time', '--customPlatform', 'linux/arm64', '--tarPath=/t.tar', '--whitelist-var-run=false']);
    expect([o.snapshotMode, o.customPlatform, o.tarPath, o.ignoreVarRun]).toEqual(['time', 'linux/arm64', '/t.tar', false]);
    expect(o.deprecationWarnings).toEqual([
      'Flag --snapshotMode is deprecated. Use: --snapshot-mode',
      'Flag --customPlatform is deprecated. Use: --custom-platform',
      'Flag --tarPath is deprecated. Use: --tar-path',
      'Flag --whitelist-var-run has been deprecated, Please use ignore-var-run instead.',
    ]);
    expect(build(['--tar-path=/t.tar']).deprecationWarnings).toEqual([]);
  });
});

describe('kaniko boolean syntax', () => {
  it.each([
    [['--cache'], true],
    [['--cache=true'], true],
    [['--cache=false'], false],
    [['--cache=1'], true],
    [['--cache=0'], false],
    [['--cache=T'], true],
    [['--cache=FALSE'], false],
    [[], false],
  ])('--cache %j → %s', (argv, cache) => {
    expect(build(argv).cache).toBe(cache);
  });

  it('turns a default-on flag off with =false and keeps it on with =true', () => {
    expect(build(['--cache-run-layers=false']).cacheRunLayers).toBe(false);
    expect(build(['--cache-run-layers=t']).cacheRunLayers).toBe(true);
  });

  it('refuses a value pflag would refuse', () => {
    expect(usageError(['--cache=yes']).message).toMatch(/invalid argument "yes" for "--cache" flag/);
    expect(usageError(['--use-new-run=maybe']).message).toMatch(/--use-new-run: expected true or false/);
    expect(usageError(['--snapshot-mode=fast']).message).toMatch(/--snapshot-mode/);
    expect(usageError(['--credential-helpers=vault']).message).toMatch(/--credential-helpers/);
  });

  it('keeps the absence of a kaniko-only flag apart from =false', () => {
    expect(build([]).skipUnusedStages).toBeUndefined();
    expect(build(['--skip-unused-stages']).skipUnusedStages).toBe(true);
    expect(build(['--skip-unused-stages=false']).skipUnusedStages).toBe(false);
  });
});

describe('kaniko-only flags say what tsbuild does instead', () => {
  it('logs nothing when none is given', () => {
    expect(kanikoFlagNotes(build([]))).toEqual([]);
  });

  it('gives one line per flag given, naming the flag', () => {
    const notes = kanikoFlagNotes(
      build(['--snapshot-mode=redo', '--use-new-run', '--compressed-caching=false', '--ignore-var-run', '--force', '--materialize', '--preserve-context',
        '--skip-unused-stages', '--pre-cleanup', '--force-build-metadata', '--credential-helpers=', '--credential-helpers=ecr']),
    );
    expect(notes).toHaveLength(11);
    for (const flag of ['snapshot-mode=redo', 'use-new-run', 'compressed-caching', 'ignore-var-run=true', 'force', 'materialize', 'preserve-context', 'skip-unused-stages', 'pre-cleanup', 'force-build-metadata', 'credential-helpers']) {
      expect(notes.filter((n) => n.startsWith(`--${flag} `) || n.startsWith(`--${flag}=`))).toHaveLength(1);
    }
  });

  it('says that stages are still skipped with --skip-unused-stages=false', () => {
    expect(kanikoFlagNotes(build(['--skip-unused-stages=false']))).toEqual([expect.stringMatching(/^--skip-unused-stages=false has no effect: tsbuild still skips/)]);
  });
});

describe('kaniko flags with a meaning', () => {
  it('reads --git as repeated or comma-joined key=value pairs', () => {
    expect(build(['--git', 'branch=dev,single-branch=true', '--git', 'recurse-submodules=true', '--git=insecure-skip-tls=1']).git).toEqual({
      branch: 'dev',
      singleBranch: true,
      recurseSubmodules: true,
      insecureSkipTls: true,
    });
    expect(build([]).git).toEqual({ recurseSubmodules: false, insecureSkipTls: false });
    expect(usageError(['--git', 'color=blue']).message).toMatch(/--git: "color=blue": expected branch=…/);
    expect(usageError(['--git', 'recurse-submodules=yes']).message).toMatch(/recurse-submodules=yes: expected true or false/);
  });

  it('reads the compression level as kaniko does (-1 default; gzip 0 to 9, zstd 1 to 19)', () => {
    expect(build([]).compressionLevel).toBe(-1);
    expect(build(['--compression-level', '-1']).compressionLevel).toBe(-1);
    expect(build(['--compression-level=0']).compressionLevel).toBe(0);
    expect(usageError(['--compression-level=10']).message).toMatch(/--compression-level=10: gzip levels are 0 to 9 \(-1 is the default, 6\)/);
    expect(build(['--compression=zstd']).compression).toBe('zstd');
    expect(build(['--compression=zstd', '--compression-level=19']).compressionLevel).toBe(19);
    expect(usageError(['--compression=zstd', '--compression-level=0']).message).toMatch(/zstd levels are 1 to 19 \(-1 is the default, 3\)/);
    expect(usageError(['--compression=zstd', '--compression-level=20']).message).toMatch(/--compression-level/);
    expect(usageError(['--compression=xz']).message).toMatch(/--compression/);
  });

  it('reads KANIKO_NO_PUSH over --no-push, as kaniko does', () => {
    expect(build([], { KANIKO_NO_PUSH: 'true' }).noPush).toBe(true);
    expect(build(['--no-push'], { KANIKO_NO_PUSH: 'false' }).noPush).toBe(false);
    expect(usageError([], { KANIKO_NO_PUSH: 'yes' }).message).toMatch(/KANIKO_NO_PUSH/);
  });
});
