/**
 * Extended attributes through a snapshot: setting one changes the file's ctime, so the diff
 * reports the file; the layer tar carries it as a PAX record with its exact bytes (binary
 * `security.capability` included), and applying that layer elsewhere restores it.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyLayer } from '../../src/fs/index.js';
import { silentLogger } from '../../src/log/index.js';
import { diffScans, layerTar, scanTree } from '../../src/snapshot/index.js';
import { tempDir } from '../helpers/temp-dir.js';

const CAPABILITY = '0x01000002ffffffffffffffff0000000000000000';

function xattr(path: string, name: string): string {
  return execFileSync('getfattr', ['-h', '-n', name, '-e', 'hex', '--absolute-names', '--', path], { encoding: 'utf8' }).split('\n')[1] ?? '';
}

describe('xattrs in snapshots', () => {
  it('notices a set xattr and carries its exact bytes into the layer', async () => {
    await using root = await tempDir({ 'bin/tool': '#!/bin/sh\n', 'etc/plain': 'x\n' });
    mkdirSync(join(root.path, 'data'));
    const before = await scanTree(root.path);
    execFileSync('setfattr', ['-n', 'security.capability', '-v', CAPABILITY, join(root.path, 'bin/tool')]);
    execFileSync('setfattr', ['-n', 'user.note', '-v', 'hello', join(root.path, 'bin/tool')]);
    writeFileSync(join(root.path, 'data/new'), 'new\n');
    execFileSync('setfattr', ['-n', 'user.on-new', '-v', '0x00ff', join(root.path, 'data/new')]);
    const changes = diffScans(before, await scanTree(root.path));
    expect(changes.changed).toEqual(['/bin/tool', '/data', '/data/new']);

    await using out = await tempDir();
    await applyLayer(out.path, layerTar(root.path, changes), { canChown: true, canMknod: true, logger: silentLogger() });
    expect(xattr(join(out.path, 'bin/tool'), 'security.capability')).toBe(`security.capability=${CAPABILITY}`);
    expect(xattr(join(out.path, 'bin/tool'), 'user.note')).toBe('user.note=0x68656c6c6f');
    expect(xattr(join(out.path, 'data/new'), 'user.on-new')).toBe('user.on-new=0x00ff');
  });

  it('writes the same bytes twice (attributes in a fixed order)', async () => {
    await using root = await tempDir({ f: 'f\n' });
    for (const name of ['user.b', 'user.a', 'user.c']) execFileSync('setfattr', ['-n', name, '-v', name, join(root.path, 'f')]);
    const read = async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of layerTar(root.path, { changed: ['/f'], deleted: [] })) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    };
    const first = await read();
    expect(first.equals(await read())).toBe(true);
    const text = first.toString('latin1');
    expect(text.indexOf('SCHILY.xattr.user.a')).toBeLessThan(text.indexOf('SCHILY.xattr.user.b'));
  });
});
