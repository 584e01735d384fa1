import { describe, expect, it } from 'vitest';
import { parseWwwAuthenticate } from '../../src/registry/www-authenticate.js';

describe('parseWwwAuthenticate', () => {
  const cases: { header: string; expected: ReturnType<typeof parseWwwAuthenticate> }[] = [
    {
      header: 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"',
      expected: [{ scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/alpine:pull' } }],
    },
    { header: 'Basic realm="Registry Realm"', expected: [{ scheme: 'basic', params: { realm: 'Registry Realm' } }] },
    { header: 'basic', expected: [{ scheme: 'basic', params: {} }] },
    {
      header: 'Bearer realm=https://ghcr.io/token, service=ghcr.io , scope="repository:a/b:pull,push"',
      expected: [{ scheme: 'bearer', params: { realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:a/b:pull,push' } }],
    },
    {
      header: 'Basic realm="a, b", Bearer realm="https://x/t",error="invalid_token"',
      expected: [
        { scheme: 'basic', params: { realm: 'a, b' } },
        { scheme: 'bearer', params: { realm: 'https://x/t', error: 'invalid_token' } },
      ],
    },
    { header: 'Bearer Realm="say \\"hi\\""', expected: [{ scheme: 'bearer', params: { realm: 'say "hi"' } }] },
    { header: '', expected: [] },
  ];
  it.each(cases)('$header', ({ header, expected }) => {
    expect(parseWwwAuthenticate(header)).toEqual(expected);
  });
});
