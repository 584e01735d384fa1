import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import {
  isDigest, parseDigest, parsePlatform, platformMatches, selectPlatform, sha256Digest, type Descriptor,
} from '../../src/oci/index.js';

describe('digests', () => {
  it('hashes like sha256sum', () => {
    expect(sha256Digest('hello\n')).toBe(`sha256:${createHash('sha256').update('hello\n').digest('hex')}`);
    expect(sha256Digest('')).toBe('sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
  it.each(['sha256:abc', `SHA256:${'a'.repeat(64)}`, `sha256:${'A'.repeat(64)}`, `md5:${'a'.repeat(32)}`, ''])('rejects %j', (d) => {
    expect(isDigest(d)).toBe(false);
    expect(() => parseDigest(d)).toThrow(/invalid digest/);
  });
});

describe('platforms', () => {
  const entry = (platform: Descriptor['platform'], annotations?: Record<string, string>): Descriptor => ({
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: `sha256:${String(Math.random()).slice(2).padEnd(64, '0').slice(0, 64)}`,
    size: 1,
    ...(platform ? { platform } : {}),
    ...(annotations ? { annotations } : {}),
  });

  it('parses os/arch[/variant]', () => {
    expect(parsePlatform('linux/arm64/v8')).toEqual({ os: 'linux', architecture: 'arm64', variant: 'v8' });
    expect(parsePlatform('linux')).toBeUndefined();
  });

  it('treats arm64 without a variant as v8, and arm as v7', () => {
    expect(platformMatches({ os: 'linux', architecture: 'arm64' }, { os: 'linux', architecture: 'arm64', variant: 'v8' })).toBe(true);
    expect(platformMatches({ os: 'linux', architecture: 'arm' }, { os: 'linux', architecture: 'arm', variant: 'v6' })).toBe(false);
    expect(platformMatches({ os: 'linux', architecture: 'arm', variant: 'v6' }, { os: 'linux', architecture: 'arm' })).toBe(true);
  });

  it('skips attestation manifests and picks the wanted platform', () => {
    const attestation = entry({ os: 'unknown', architecture: 'unknown' }, { 'vnd.docker.reference.type': 'attestation-manifest' });
    const arm = entry({ os: 'linux', architecture: 'arm64' });
    const amd = entry({ os: 'linux', architecture: 'amd64' });
    expect(selectPlatform([attestation, arm, amd], { os: 'linux', architecture: 'amd64' })).toBe(amd);
    expect(selectPlatform([attestation, arm], { os: 'linux', architecture: 'amd64' })).toBeUndefined();
  });
});
