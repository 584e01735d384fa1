import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/parse-args.js';
import { UsageError } from '../../src/oci/index.js';

const penv = (env: Record<string, string> = {}) => ({ env, isTTY: false, version: '9.9.9' });
const build = (argv: string[], env: Record<string, string> = {}) => {
  const parsed = parseArgs(argv, penv(env));
  if (parsed.kind !== 'build') throw new Error(`expected a build, got ${parsed.kind}`);
  return parsed.options;
};

describe('parseArgs: kaniko-compatible flags', () => {
  it('has kaniko defaults', () => {
    const o = build(['--no-push']);
    expect(o.context).toBe('/workspace');
    expect(o.dockerfile).toBeUndefined();
    expect(o.verbosity).toBe('info');
    expect(o.logFormat).toBe('text');
    expect(o.reproducible).toBe(false);
  });

  it('takes short and long names, repeatable destinations, both value spellings', () => {
    const o = build(['-c', 'ctx', '-f', 'Dfile', '-d', 'r.io/a:1', '--destination=r.io/a:2']);
    expect([o.context, o.dockerfile, o.destinations]).toEqual(['ctx', 'Dfile', ['r.io/a:1', 'r.io/a:2']]);
  });

  it.each([
    [['--no-push'], true],
    [['--no-push=true'], true],
    [['--no-push=false', '-d', 'x.io/a'], false],
    [['--no-push=TRUE'], true],
  ])('reads kaniko boolean spellings %j', (argv, noPush) => {
    expect(build(argv).noPush).toBe(noPush);
  });

  it('reads build args, bare ones from the environment, and drops unset bare ones', () => {
    const o = build(['--no-push', '--build-arg', 'A=1', '--build-arg', 'B==x=', '--build-arg', 'FROM_ENV', '--build-arg', 'UNSET'], {
      FROM_ENV: 'env value',
    });
    expect(o.buildArgs).toEqual([['A', '1'], ['B', '=x='], ['FROM_ENV', 'env value']]);
  });

  it('reads labels and insecure registries', () => {
    const o = build(['--no-push', '--label', 'a=b c', '--insecure-registry', 'r:5000', '--insecure-registry', 's']);
    expect(o.labels).toEqual([['a', 'b c']]);
    expect(o.insecureRegistries).toEqual(['r:5000', 's']);
  });

  it('reads registry flags, with KANIKO_REGISTRY_MIRROR / KANIKO_REGISTRY_MAP added to the lists', () => {
    const o = build(
      ['--no-push', '--registry-mirror', 'm1.io', '--registry-map', 'a.io=b.io;a.io=c.io', '--push-retry', '3', '--image-download-retry=2',
        '--registry-certificate', 'r.io=/ca.pem', '--registry-client-cert', 'r.io=/c.pem,/k.pem', '--skip-tls-verify-registry', 'r.io',
        '--skip-push-permission-check', '--push-ignore-immutable-tag-errors=true', '--custom-platform', 'linux/arm64'],
      { KANIKO_REGISTRY_MIRROR: 'm2.io', KANIKO_REGISTRY_MAP: 'x.io=y.io' },
    );
    expect(o.registryMirrors).toEqual(['m1.io', 'm2.io']);
    expect(o.registryMaps).toEqual(['a.io=b.io;a.io=c.io', 'x.io=y.io']);
    expect([o.pushRetry, o.imageDownloadRetry]).toEqual([3, 2]);
    expect(o.registryCertificates).toEqual([['r.io', '/ca.pem']]);
    expect(o.registryClientCerts).toEqual([['r.io', '/c.pem,/k.pem']]);
    expect(o.skipTlsVerifyRegistries).toEqual(['r.io']);
    expect([o.skipPushPermissionCheck, o.pushIgnoreImmutableTagErrors]).toEqual([true, true]);
    expect(o.customPlatform).toBe('linux/arm64');
    expect([build(['--no-push']).pushRetry, build(['--no-push']).imageDownloadRetry]).toEqual([0, 0]);
  });

  it('chooses colour only on a terminal, and honours --log-format', () => {
    expect(parseArgs(['--no-push'], { ...penv(), isTTY: true })).toMatchObject({ options: { logFormat: 'color' } });
    expect(build(['--no-push', '--log-format', 'json']).logFormat).toBe('json');
  });

  it('answers --help and --version without building', () => {
    expect(parseArgs(['--help'], penv())).toMatchObject({ kind: 'help' });
    expect(parseArgs(['--help'], penv())).toHaveProperty('text', expect.stringContaining('--destination <ref>'));
    expect(parseArgs(['--version'], penv())).toEqual({ kind: 'version', text: '9.9.9' });
  });

  it.each([
    [['--bogus'], /unknown option '--bogus'/],
    [['stray'], /too many arguments/],
    [[], /no --destination given/],
    [['-d', 'UPPER/case'], /--destination: invalid image reference/],
    [['--no-push', '--verbosity', 'loud'], /--verbosity/],
    [['--no-push', '--log-format', 'xml'], /--log-format/],
    [['--no-push', '--label', 'novalue'], /--label "novalue": expected K=V/],
    [['--no-push', '--build-arg', '=x'], /expected K=V/],
    [['--destination'], /argument missing/],
    [['--no-push', '--push-retry', '-1'], /--push-retry/],
    [['--no-push', '--push-retry', 'many'], /--push-retry/],
    [['--no-push', '--image-name-with-digest-file', 'f'], /--image-name-with-digest-file needs at least one --destination/],
  ])('rejects %j with one usage line', (argv, message) => {
    let caught: unknown;
    try {
      parseArgs(argv, penv());
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as UsageError).exitCode).toBe(2);
    expect((caught as UsageError).message).toMatch(message);
    expect((caught as UsageError).message).not.toContain('\n');
  });
});
