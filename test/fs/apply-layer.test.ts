import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { applyLayer } from '../../src/fs/index.js';
import { createLogger, silentLogger } from '../../src/log/index.js';
import { tempDir } from '../helpers/temp-dir.js';
import { layerTar, type TarSpec } from './fs-fixtures.js';

const stat = (root: string, path: string) => lstatSync(join(root, path));
const asRoot = { canChown: true, canMknod: true, logger: silentLogger() };

async function apply(root: string, entries: readonly TarSpec[], options = asRoot) {
  return applyLayer(root, await layerTar(entries), options);
}

describe('applyLayer: entry types', () => {
  it('writes files, dirs, symlinks, hardlinks and fifos with their metadata', async () => {
    await using dir = await tempDir();
    chmodSync(dir.path, 0o751);
    const stats = await apply(dir.path, [
      { name: './', type: 'directory', mode: 0o700 },
      { name: 'etc/', type: 'directory' },
      { name: 'etc/hosts', content: 'localhost\n', mode: 0o640, uid: 1000, gid: 2000 },
      { name: 'etc/alias', type: 'symlink', linkname: '/etc/hosts' },
      { name: 'etc/hard', type: 'link', linkname: 'etc/hosts', mode: 0o640, uid: 1000, gid: 2000 },
      { name: 'run/pipe', type: 'fifo', mode: 0o600 },
    ]);
    expect(stats).toMatchObject({ entries: 6, bytes: 10, whiteouts: 0, skippedDevices: [] });
    const hosts = lstatSync(join(dir.path, 'etc/hosts'));
    expect(readFileSync(join(dir.path, 'etc/hosts'), 'utf8')).toBe('localhost\n');
    expect([hosts.mode & 0o7777, hosts.uid, hosts.gid]).toEqual([0o640, 1000, 2000]);
    expect(hosts.mtimeMs).toBe(1_600_000_000_000);
    expect(readlinkSync(join(dir.path, 'etc/alias'))).toBe('/etc/hosts');
    expect(lstatSync(join(dir.path, 'etc/hard')).ino).toBe(hosts.ino);
    expect(hosts.nlink).toBe(2);
    expect(lstatSync(join(dir.path, 'run/pipe')).isFIFO()).toBe(true);
    // Parents the tar did not list are created 0755; the root's own entry is not applied.
    expect(lstatSync(join(dir.path, 'run')).mode & 0o7777).toBe(0o755);
    expect(lstatSync(dir.path).mode & 0o7777).toBe(0o751);
  });

  it('leaves ownership to the process when it cannot chown', async () => {
    await using dir = await tempDir();
    await apply(dir.path, [{ name: 'f', content: 'x', uid: 1000, gid: 1000, mode: 0o600 }], { ...asRoot, canChown: false });
    expect([stat(dir.path, 'f').uid, stat(dir.path, 'f').mode & 0o7777]).toEqual([process.getuid?.(), 0o600]);
  });

  it('keeps setuid, setgid and sticky bits after chown', async () => {
    await using dir = await tempDir();
    await apply(dir.path, [
      { name: 'bin/su', content: '#!', mode: 0o4755, uid: 0, gid: 0 },
      { name: 'bin/wall', content: '#!', mode: 0o2755, uid: 1, gid: 5 },
      { name: 'shared/', type: 'directory', mode: 0o2775, uid: 1000, gid: 1000 },
      { name: 'tmp/', type: 'directory', mode: 0o1777 },
    ]);
    expect(lstatSync(join(dir.path, 'bin/su')).mode & 0o7777).toBe(0o4755);
    expect(lstatSync(join(dir.path, 'bin/wall')).mode & 0o7777).toBe(0o2755);
    expect(lstatSync(join(dir.path, 'shared')).mode & 0o7777).toBe(0o2775);
    expect(lstatSync(join(dir.path, 'shared')).uid).toBe(1000);
    expect(lstatSync(join(dir.path, 'tmp')).mode & 0o7777).toBe(0o1777);
  });

  it('sets directory mtimes after their children are written, and PAX sub-second mtimes', async () => {
    await using dir = await tempDir();
    await apply(dir.path, [
      { name: 'a/', type: 'directory', mtime: new Date(1_000_000_000_000) },
      { name: 'a/b/', type: 'directory', mtime: new Date(1_100_000_000_000), mode: 0o555 },
      { name: 'a/b/c', content: 'x' },
      { name: 'a/d', content: 'y', pax: { mtime: '1200000000.25' } },
    ]);
    expect(statSync(join(dir.path, 'a')).mtimeMs).toBe(1_000_000_000_000);
    expect(statSync(join(dir.path, 'a/b')).mtimeMs).toBe(1_100_000_000_000);
    expect(statSync(join(dir.path, 'a/b')).mode & 0o7777).toBe(0o555);
    expect(statSync(join(dir.path, 'a/d')).mtimeMs).toBe(1_200_000_000_250);
  });

  it('replaces an entry of another type, keeps an existing directory and updates it', async () => {
    await using dir = await tempDir({ 'was-file': 'f', 'was-dir/child': 'c', 'keep/old': 'o' });
    await apply(dir.path, [{ name: 'link-to-dir', type: 'symlink', linkname: 'keep' }]);
    await apply(dir.path, [
      { name: 'was-file/', type: 'directory', mode: 0o711 },
      { name: 'was-dir', content: 'now a file' },
      { name: 'keep/', type: 'directory', mode: 0o750 },
      { name: 'link-to-dir/', type: 'directory' },
    ]);
    expect(lstatSync(join(dir.path, 'was-file')).isDirectory()).toBe(true);
    expect(lstatSync(join(dir.path, 'was-file')).mode & 0o7777).toBe(0o711);
    expect(readFileSync(join(dir.path, 'was-dir'), 'utf8')).toBe('now a file');
    expect(readFileSync(join(dir.path, 'keep/old'), 'utf8')).toBe('o');
    expect(lstatSync(join(dir.path, 'keep')).mode & 0o7777).toBe(0o750);
    // The directory replaced the symlink instead of following it.
    expect(lstatSync(join(dir.path, 'link-to-dir')).isDirectory()).toBe(true);
  });

  it('creates device nodes when permitted and skips them with one warning when not', async () => {
    await using dir = await tempDir();
    const devices: TarSpec[] = [
      { name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 },
      { name: 'dev/loop0', type: 'block-device', devmajor: 7, devminor: 0, mode: 0o660 },
    ];
    await apply(join(dir.path), devices);
    const null1 = lstatSync(join(dir.path, 'dev/null'));
    expect(null1.isCharacterDevice()).toBe(true);
    expect([null1.rdev, null1.mode & 0o7777]).toEqual([(1 << 8) | 3, 0o666]);
    expect(lstatSync(join(dir.path, 'dev/loop0')).isBlockDevice()).toBe(true);

    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) });
    const logger = createLogger({ format: 'json', level: 'info', destination: sink });
    mkdirSync(join(dir.path, 'other'));
    const stats = await apply(join(dir.path, 'other'), [...devices, { name: 'dev/ok', content: '' }], { canChown: true, canMknod: false, logger });
    expect(stats.skippedDevices).toEqual(['dev/null', 'dev/loop0']);
    expect(existsSync(join(dir.path, 'other/dev/null'))).toBe(false);
    expect(existsSync(join(dir.path, 'other/dev/ok'))).toBe(true);
    const warnings = lines.map((l) => JSON.parse(l) as { level: number; devices?: string[] }).filter((r) => r.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.devices).toEqual(['dev/null', 'dev/loop0']);
  });

  it('applies SCHILY.xattr PAX records with setfattr, security.capability after chown', async () => {
    await using dir = await tempDir();
    await apply(dir.path, [{ name: 'f', content: 'x', pax: { 'SCHILY.xattr.user.origin': 'layer one', 'SCHILY.xattr.trusted.t': 'v' } }]);
    const dump = execFileSync('getfattr', ['-d', '-m', '-', join(dir.path, 'f')], { encoding: 'utf8' });
    expect(dump).toContain('user.origin="layer one"');
    expect(dump).toContain('trusted.t="v"');
    // cap_net_raw+ep as a VFS_CAP_REVISION_2 value: every byte is below 0x80, so it survives.
    const capability = String.fromCharCode(1, 0, 0, 2, 0, 0x20, 0, 0, ...new Array<number>(12).fill(0));
    await apply(dir.path, [{ name: 'bin/ping', content: 'x', mode: 0o755, uid: 7, pax: { 'SCHILY.xattr.security.capability': capability } }]);
    const caps = execFileSync('getfattr', ['-n', 'security.capability', '-e', 'hex', join(dir.path, 'bin/ping')], { encoding: 'utf8' });
    expect(caps).toContain('security.capability=0x0100000200200000000000000000000000000000');
  });

  it('applies binary xattr values byte for byte (bytes >= 0x80 are not UTF-8)', async () => {
    await using dir = await tempDir();
    // VFS_CAP_REVISION_2 with every permitted and inheritable bit set: 0xff bytes throughout.
    const capability = Buffer.from('01000002ffffffffffffffff000000000000000000', 'hex').subarray(0, 20);
    const placeholder = 'P'.repeat(capability.length);
    const tarBytes: Buffer[] = [];
    for await (const chunk of await layerTar([{ name: 'bin/tool', content: 'x', mode: 0o755, pax: { 'SCHILY.xattr.security.capability': placeholder } }])) {
      tarBytes.push(chunk as Buffer);
    }
    const raw = Buffer.concat(tarBytes);
    capability.copy(raw, raw.indexOf(placeholder)); // PAX data is not covered by the header checksum
    await applyLayer(dir.path, Readable.from([raw]), asRoot);
    const caps = execFileSync('getfattr', ['-n', 'security.capability', '-e', 'hex', join(dir.path, 'bin/tool')], { encoding: 'utf8' });
    expect(caps).toContain(`security.capability=0x${capability.toString('hex')}`);
  });
});

describe('applyLayer: errors', () => {
  it('fails on a hardlink to a missing target and on truncated tars', async () => {
    await using dir = await tempDir();
    await expect(apply(dir.path, [{ name: 'h', type: 'link', linkname: 'missing' }])).rejects.toMatchObject({ code: 'TSB_LAYER_INVALID' });
    const whole = await layerTar([{ name: 'big', content: Buffer.alloc(5000, 1) }]);
    const bytes: Buffer[] = [];
    for await (const chunk of whole) bytes.push(chunk as Buffer);
    const truncated = Readable.from([Buffer.concat(bytes).subarray(0, 2048)]);
    await expect(applyLayer(dir.path, truncated, asRoot)).rejects.toMatchObject({ code: 'TSB_LAYER_INVALID', message: expect.stringContaining('"big"') });
    const notTar = Readable.from([Buffer.from('this is not a tar archive at all'.repeat(40))]);
    await expect(applyLayer(dir.path, notTar, asRoot)).rejects.toMatchObject({ code: 'TSB_LAYER_INVALID' });
  });
});
