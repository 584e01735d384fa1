import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/parse-args.js';
import { UsageError } from '../../src/oci/index.js';

const penv = { env: {}, isTTY: false, version: '9.9.9' };
const build = (argv: string[]) => {
  const parsed = parseArgs(argv, penv);
  if (parsed.kind !== 'build') throw new Error(`expected a build, got ${parsed.kind}`);
  return parsed.options;
};
const warmer = (argv: string[]) => {
  const parsed = parseArgs(['warmer', ...argv], penv);
  if (parsed.kind !== 'warmer') throw new Error(`expected the warmer, got ${parsed.kind}`);
  return parsed.options;
};

describe('parseArgs: cache flags', () => {
  it('has the defaults: cache off, TTL 336h, RUN and COPY layers cached, saves on', () => {
    const o = build(['--no-push']);
    expect([o.cache, o.cacheRepo, o.cacheTtl, o.cacheRunLayers, o.cacheCopyLayers, o.noPushCache, o.cacheDir]).toEqual([
      false, undefined, 336 * 3_600_000, true, true, false, undefined,
    ]);
  });

  it('reads every cache flag, in both boolean spellings', () => {
    const o = build(['--no-push', '--cache=true', '--cache-repo', 'oci:/c', '--cache-ttl', '1h30m', '--cache-run-layers=false', '--cache-copy-layers=false', '--no-push-cache', '--cache-dir', '/warm']);
    expect([o.cache, o.cacheRepo, o.cacheTtl, o.cacheRunLayers, o.cacheCopyLayers, o.noPushCache, o.cacheDir]).toEqual([
      true, 'oci:/c', 90 * 60_000, false, false, true, '/warm',
    ]);
    const on = build(['--no-push', '--cache', '--cache-run-layers=true', '--cache-copy-layers']);
    expect([on.cache, on.cacheRunLayers, on.cacheCopyLayers]).toEqual([true, true, true]);
    expect(build(['--no-push', '--cache=false']).cache).toBe(false);
  });

  it('rejects a TTL that is not a Go duration', () => {
    expect(() => build(['--no-push', '--cache-ttl', '2 weeks'])).toThrow(UsageError);
    expect(() => build(['--no-push', '--cache-ttl', '14d'])).toThrow(/--cache-ttl: not a duration/);
  });
});

describe('--cache-ttl: Go durations', () => {
  it.each([
    ['336h', 1_209_600_000], ['30m', 1_800_000], ['1h30m', 5_400_000], ['1.5h', 5_400_000], ['90s', 90_000], ['250ms', 250], ['0', 0],
  ])('%s → %d ms', (text, ms) => expect(build(['--no-push', '--cache-ttl', text]).cacheTtl).toBe(ms));
  it.each(['h', '10', '-1h', '1d', '1h 30m', '1hh'])('rejects %j', (text) =>
    expect(() => build(['--no-push', '--cache-ttl', text])).toThrow(/--cache-ttl: not a duration/));
});

describe('parseArgs: tsbuild warmer', () => {
  it('has kaniko defaults', () => {
    const o = warmer(['-i', 'busybox']);
    expect([o.images, o.cacheDir, o.force, o.cacheTtl, o.dockerfile]).toEqual([['busybox'], '/cache', false, 336 * 3_600_000, undefined]);
  });

  it('reads the warmer flags and the pull-side registry flags', () => {
    const o = warmer([
      '--image', 'a', '-i', 'b', '--dockerfile', 'Dockerfile', '--build-arg', 'BASE=x', '--target', 'app', '--cache-dir', '/c', '--force',
      '--cache-ttl', '10m', '--custom-platform', 'linux/arm64', '--insecure-pull', '--registry-mirror', 'm.io',
    ]);
    expect(o).toMatchObject({
      images: ['a', 'b'], dockerfile: 'Dockerfile', buildArgs: [['BASE', 'x']], target: 'app', cacheDir: '/c', force: true,
      cacheTtl: 600_000, customPlatform: 'linux/arm64', insecurePull: true, registryMirrors: ['m.io'],
    });
  });

  it('rejects build-only flags and answers --help with its own usage', () => {
    expect(() => warmer(['-i', 'a', '--destination', 'r/x:1'])).toThrow(UsageError);
    const help = parseArgs(['warmer', '--help'], penv);
    expect(help.kind).toBe('help');
    expect(help.kind === 'help' && help.text).toMatch(/--image/);
  });
});
