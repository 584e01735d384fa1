/**
 * What ADD extracts: tar archives recognised by content (plain, gzip, bzip2, xz, zstd), whatever
 * their names; compressed non-tars, empty files and text named `.tar.gz` are copied as they are.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { archiveCompression, openDecompressed, urlFileName } from '../../src/context/index.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('archiveCompression', () => {
  it('recognises archives by content, not by name', async () => {
    await using dir = await tempDir({ 'tree/pkg/file.txt': 'hello\n', 'text.tar.gz': 'just text\n', empty: '' });
    const tar = (name: string, ...flags: string[]) => execFileSync('tar', ['-C', join(dir.path, 'tree'), ...flags, '-cf', join(dir.path, name), 'pkg']);
    tar('plain.bin');
    tar('gz.txt', '-z');
    tar('bz2', '-j');
    tar('xz', '-J');
    tar('zst', '--zstd');
    writeFileSync(join(dir.path, 'gzipped-text.gz'), execFileSync('gzip', ['-c'], { input: 'not a tar\n' }));
    writeFileSync(join(dir.path, 'fake-bzip2'), 'BZh this is not bzip2 at all');
    mkdirSync(join(dir.path, 'a-dir'));
    const at = (p: string) => archiveCompression(join(dir.path, p));
    expect(await at('plain.bin')).toBe('none');
    expect(await at('gz.txt')).toBe('gzip');
    expect(await at('bz2')).toBe('bzip2');
    expect(await at('xz')).toBe('xz');
    expect(await at('zst')).toBe('zstd');
    expect(await at('gzipped-text.gz')).toBeUndefined();
    expect(await at('fake-bzip2')).toBeUndefined();
    expect(await at('text.tar.gz')).toBeUndefined();
    expect(await at('empty')).toBeUndefined();
    expect(await at('a-dir')).toBeUndefined();
  });

  it('fails a truncated compressed stream instead of ending it early', async () => {
    await using dir = await tempDir();
    const whole = execFileSync('xz', ['-c'], { input: Buffer.alloc(1 << 20, 7) });
    writeFileSync(join(dir.path, 'cut.xz'), whole.subarray(0, whole.length - 20));
    const read = async () => {
      for await (const chunk of openDecompressed(join(dir.path, 'cut.xz'), 'xz')) void chunk;
    };
    await expect(read()).rejects.toMatchObject({ code: 'TSB_COPY_SOURCE' });
  });
});

describe('urlFileName', () => {
  it.each([
    ['https://example.com/a/b/file.tar.gz', 'file.tar.gz'],
    ['https://example.com/dir/', 'dir'],
    ['https://example.com/', '__unnamed__'],
    ['https://example.com', '__unnamed__'],
    ['https://example.com/x%20y.txt?q=1#f', 'x y.txt'],
  ])('%s → %s', (url, name) => expect(urlFileName(url)).toBe(name));
});
