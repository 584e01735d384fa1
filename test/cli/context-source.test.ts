/**
 * kaniko's `--context` forms as tsbuild reads them, `--context-sub-path` on real directories,
 * and where the work dir goes (`--kaniko-dir`, KANIKO_DIR, TSBUILD_WORK_DIR).
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { parseContextSource, prepareContext } from '../../src/cli/context-source.js';
import { workDirBase } from '../../src/cli/work-dir.js';
import { silentLogger } from '../../src/log/index.js';
import { UsageError } from '../../src/oci/index.js';
import { tempDir } from '../helpers/temp-dir.js';

const SHA = 'a'.repeat(40);

describe('parseContextSource', () => {
  it.each([
    ['.', { kind: 'dir', path: '.' }],
    ['/workspace/', { kind: 'dir', path: '/workspace/' }],
    ['dir:///workspace', { kind: 'dir', path: '/workspace' }],
    ['tar:///ctx/context.tar.gz', { kind: 'tar', path: '/ctx/context.tar.gz' }],
    ['tar://stdin', { kind: 'stdin' }],
    ['git://github.com/org/repo.git', { kind: 'git', spec: { repository: 'github.com/org/repo.git', ref: '', commit: '' } }],
    ['git://github.com/org/repo.git#refs/heads/dev', { kind: 'git', spec: { repository: 'github.com/org/repo.git', ref: 'refs/heads/dev', commit: '' } }],
    [`git://github.com/org/repo.git#refs/heads/dev#${SHA}`, { kind: 'git', spec: { repository: 'github.com/org/repo.git', ref: 'refs/heads/dev', commit: SHA } }],
    ['https://example.com/ctx.tar.gz', { kind: 'https', url: 'https://example.com/ctx.tar.gz' }],
  ])('reads %s', (context, expected) => {
    expect(parseContextSource(context)).toEqual(expected);
  });

  it.each([
    ['gs://bucket/ctx.tar.gz', undefined, /Google Cloud Storage are not supported; download and extract it first .* --context tar:\/\/stdin/],
    ['s3://bucket/ctx.tar.gz', undefined, /Amazon S3 are not supported; .*aws s3 cp s3:\/\/bucket\/ctx\.tar\.gz - \| tsbuild --context tar:\/\/stdin/],
    ['https://acct.blob.core.windows.net/c/ctx.tar.gz', undefined, /Azure Blob Storage are not supported/],
    ['/workspace', 'my-bucket', /--bucket my-bucket: .*gsutil cat gs:\/\/my-bucket/],
    ['ftp://host/ctx.tar', undefined, /unknown context prefix ftp:\/\//],
    ['tar://', undefined, /no path after tar:\/\//],
    ['git://host/repo.git#main#abc123', undefined, /"abc123" is not a full commit sha/],
    ['git://host/repo.git#a#b#c', undefined, /expected git:\/\/HOST\/REPO\.git/],
  ])('refuses %s (bucket %s)', (context, bucket, message) => {
    expect(() => parseContextSource(context, bucket)).toThrow(UsageError);
    expect(() => parseContextSource(context, bucket)).toThrow(message);
  });
});

describe('--context-sub-path', () => {
  const setup = (cwd: string) => ({ cwd, workDir: join(cwd, 'work'), env: {}, logger: silentLogger() });
  const noGit = { recurseSubmodules: false, insecureSkipTls: false };

  it('picks a directory inside the context, also for a plain directory context', async () => {
    await using dir = await tempDir({ 'ctx/app/Dockerfile': 'FROM scratch\n' });
    const got = await prepareContext({ context: 'ctx', git: noGit, contextSubPath: 'app' }, setup(dir.path));
    expect(got).toBe(join(dir.path, 'ctx/app'));
  });

  it('refuses a sub path that is missing, not a directory, or leads out (.. or a symlink)', async () => {
    await using dir = await tempDir({ 'ctx/file': 'x', 'outside/secret': 's' });
    mkdirSync(join(dir.path, 'ctx/sub'));
    symlinkSync(join(dir.path, 'outside'), join(dir.path, 'ctx/link'));
    const at = (contextSubPath: string) => prepareContext({ context: 'ctx', git: noGit, contextSubPath }, setup(dir.path));
    await expect(at('missing')).rejects.toThrow(/no such directory in the context/);
    await expect(at('file')).rejects.toThrow(/no such directory in the context/);
    await expect(at('../outside')).rejects.toThrow(/leads out of the context/);
    await expect(at('link')).rejects.toThrow(/leads out of the context/);
    await expect(at('sub/..')).resolves.toBe(join(dir.path, 'ctx'));
  });
});

describe('workDirBase', () => {
  it('takes --kaniko-dir, then KANIKO_DIR, then TSBUILD_WORK_DIR, then the temp dir', () => {
    const env = { KANIKO_DIR: '/kaniko2', TSBUILD_WORK_DIR: '/kaniko' };
    expect(workDirBase('/flag', env, '/tmp')).toBe('/flag');
    expect(workDirBase(undefined, env, '/tmp')).toBe('/kaniko2');
    expect(workDirBase(undefined, { TSBUILD_WORK_DIR: '/kaniko' }, '/tmp')).toBe('/kaniko');
    expect(workDirBase(undefined, { KANIKO_DIR: '' }, '/tmp')).toBe('/tmp');
  });
});
