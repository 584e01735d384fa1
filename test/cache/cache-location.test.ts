/** `--cache-repo` resolution: kaniko's default from the first destination, `oci:` layouts, and refusals. */
import { describe, expect, it } from 'vitest';
import { cacheLocation } from '../../src/cache/index.js';

describe('cacheLocation', () => {
  it.each<[string | undefined, string[], unknown]>([
    [undefined, ['registry.example.com/team/app:1.4'], { kind: 'registry', registry: 'registry.example.com', repository: 'team/app/cache' }],
    [undefined, ['app', 'other.example/x:1'], { kind: 'registry', registry: 'docker.io', repository: 'library/app/cache' }],
    ['', ['127.0.0.1:5000/app@sha256:' + 'a'.repeat(64)], { kind: 'registry', registry: '127.0.0.1:5000', repository: 'app/cache' }],
    ['127.0.0.1:5000/shared/cache', ['x.example/app:1'], { kind: 'registry', registry: '127.0.0.1:5000', repository: 'shared/cache' }],
    ['oci:/var/cache/layers', [], { kind: 'layout', dir: '/var/cache/layers' }],
  ])('--cache-repo %j with destinations %j', (repo, destinations, expected) => {
    expect(cacheLocation(repo, destinations)).toEqual(expected);
  });

  it.each<[string | undefined, string[]]>([
    [undefined, []],
    ['oci:', []],
    ['reg.example/cache:latest', []],
    ['reg.example/cache@sha256:' + 'a'.repeat(64), []],
  ])('refuses --cache-repo %j with destinations %j as a usage error', (repo, destinations) => {
    expect(() => cacheLocation(repo, destinations)).toThrow(expect.objectContaining({ code: 'TSB_USAGE', exitCode: 2 }));
  });
});
