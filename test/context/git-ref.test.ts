/**
 * parseGitSource against BuildKit's own cases (dfgitutil / gitutil tests and the Dockerfile
 * frontend's `testGitQueryString`): fragment `ref:subdir`, the query form, its conflicts and
 * errors, scp-style ssh, and credentials kept for git but redacted for people.
 */
import { describe, expect, it } from 'vitest';
import { isCommitSha, isGitSource, parseGitSource, redactGitUrl } from '../../src/context/index.js';

const R = 'https://example.com/org/repo.git';

describe('parseGitSource', () => {
  it.each([
    [R, { remote: R, ref: '', subdir: '' }],
    [`${R}#v1.2`, { remote: R, ref: 'v1.2', subdir: '' }],
    [`${R}#main:docs/site`, { remote: R, ref: 'main', subdir: 'docs/site' }],
    [`${R}#:sub`, { remote: R, ref: '', subdir: 'sub' }],
    [`${R}#feature%2Fx:a%20b`, { remote: R, ref: 'feature/x', subdir: 'a b' }],
    [`${R}?ref=base`, { remote: R, ref: 'base' }],
    [`${R}?branch=base`, { ref: 'refs/heads/base' }],
    [`${R}?tag=v0.0.2`, { ref: 'refs/tags/v0.0.2' }],
    [`${R}?tag=v0.0.2#refs/tags/v0.0.2`, { ref: 'refs/tags/v0.0.2' }],
    [`${R}?subdir=sub&ref=feature`, { ref: 'feature', subdir: 'sub' }],
    [`${R}?checksum=abc123`, { checksum: 'abc123', ref: '' }],
    [`${R}?commit=abc123`, { checksum: 'abc123' }],
    [`${R}?keep-git-dir`, { keepGitDir: true }],
    [`${R}?keep-git-dir=false&submodules=0`, { keepGitDir: false, submodules: false }],
    [`${R}?submodules=True`, { submodules: true }],
    ['git://127.0.0.1:9418/repo#v1', { scheme: 'git', remote: 'git://127.0.0.1:9418/repo', host: '127.0.0.1:9418', ref: 'v1' }],
    ['HTTPS://example.com/repo.git', { scheme: 'https' }],
    ['ssh://git@example.com/org/repo.git#main', { scheme: 'ssh', host: 'example.com', ref: 'main' }],
    ['git@example.com:org/repo.git#main:sub', { scheme: 'ssh', remote: 'git@example.com:org/repo.git', host: 'example.com', ref: 'main', subdir: 'sub' }],
  ])('%s', (source, expected) => {
    expect(parseGitSource(source)).toMatchObject(expected);
  });

  it.each([
    [`${R}?tag=v0.0.2#refs/heads/master`, 'ref conflicts: "refs/heads/master" vs "refs/tags/v0.0.2"'],
    [`${R}?ref=a#b`, 'ref conflicts: "b" vs "a"'],
    [`${R}?subdir=a#:b`, 'subdir conflicts: "b" vs "a"'],
    [`${R}?tag=a&branch=b`, 'branch conflicts with tag'],
    [`${R}?ref=a&ref=b`, 'query "ref" has multiple values'],
    [`${R}?ref=`, 'query "ref" has no value'],
    [`${R}?depth=1`, 'unexpected query "depth"'],
    [`${R}?keep-git-dir=maybe`, 'invalid keep-git-dir value: "maybe"'],
  ])('refuses %s', (source, message) => {
    expect(() => parseGitSource(source)).toThrow(message);
  });

  it('keeps credentials for git and redacts them for people', () => {
    const parsed = parseGitSource('https://user:s3cret@example.com/repo.git#main');
    expect(parsed.remote).toBe('https://user:s3cret@example.com/repo.git');
    expect(parsed.display).toBe('https://xxxxx@example.com/repo.git#main');
    expect(parsed.host).toBe('example.com');
    expect(() => parseGitSource('https://user:s3cret@example.com/repo.git?x=1')).toThrow(/^(?!.*s3cret)/);
    expect(redactGitUrl('https://tok@example.com/r.git')).toBe('https://xxxxx@example.com/r.git');
    expect(redactGitUrl('git@example.com:org/r.git')).toBe('xxxxx@example.com:org/r.git');
    expect(redactGitUrl('https://example.com/r.git')).toBe('https://example.com/r.git');
  });
});

describe('isGitSource and isCommitSha', () => {
  it.each([
    [`${R}?branch=main`, true],
    [`${R}#main`, true],
    ['https://example.com/file.tar.gz', false],
    ['https://example.com/repo.git.tar', false],
    ['github.com/org/repo', false],
    ['./repo.git', false],
  ])('%s is a git source: %s', (source, expected) => {
    expect(isGitSource(source)).toBe(expected);
  });

  it('knows full shas only', () => {
    expect(isCommitSha('a'.repeat(40))).toBe(true);
    expect(isCommitSha('a'.repeat(64))).toBe(true);
    expect(isCommitSha('a'.repeat(39))).toBe(false);
    expect(isCommitSha('A'.repeat(40))).toBe(false);
  });
});
