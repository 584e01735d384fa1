import { describe, expect, it } from 'vitest';
import { formatReference, parseReference, referenceIdentifier, TsbuildError } from '../../src/oci/index.js';

const D = `sha256:${'a'.repeat(64)}`;

describe('parseReference: Docker normalisation', () => {
  it.each([
    ['alpine', 'docker.io/library/alpine:latest'],
    ['alpine:3.19', 'docker.io/library/alpine:3.19'],
    ['library/alpine', 'docker.io/library/alpine:latest'],
    ['bitnami/redis:7', 'docker.io/bitnami/redis:7'],
    ['docker.io/alpine', 'docker.io/library/alpine:latest'],
    ['index.docker.io/library/alpine', 'docker.io/library/alpine:latest'],
    ['registry-1.docker.io/alpine', 'docker.io/library/alpine:latest'],
    ['localhost/app', 'localhost/app:latest'],
    ['localhost:5000/team/app:1.4', 'localhost:5000/team/app:1.4'],
    ['127.0.0.1:5000/app', '127.0.0.1:5000/app:latest'],
    ['gcr.io/project/img:tag', 'gcr.io/project/img:tag'],
    ['registry.example.com/a/b/c:v1.2-rc_3', 'registry.example.com/a/b/c:v1.2-rc_3'],
    [`alpine@${D}`, `docker.io/library/alpine@${D}`],
    [`alpine:3@${D}`, `docker.io/library/alpine:3@${D}`],
    ['my-registry:5000/x__y/a.b-c', 'my-registry:5000/x__y/a.b-c:latest'],
  ])('%s → %s', (text, normalised) => {
    expect(formatReference(parseReference(text))).toBe(normalised);
  });

  it('asks the registry for the digest when pinned, else the tag', () => {
    expect(referenceIdentifier(parseReference(`a:1@${D}`))).toBe(D);
    expect(referenceIdentifier(parseReference('a:1'))).toBe('1');
  });

  it.each(['', 'UPPER', 'a//b', 'a:', 'a:-bad', `a@sha256:${'a'.repeat(63)}`, 'a b', '/a', 'a/'])(
    'rejects %j with TSB_REFERENCE_INVALID',
    (text) => {
      expect(() => parseReference(text)).toThrow(TsbuildError);
      expect(() => parseReference(text)).toThrow(/invalid image reference/);
    },
  );
});
