import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lookupUser, readGroup, readPasswd, resolveChown } from '../../src/fs/index.js';
import { tempDir } from '../helpers/temp-dir.js';

const passwd = [
  'root:x:0:0:root:/root:/bin/bash',
  '# a comment',
  '',
  'app:x:1000:1000:App:/home/app:/bin/sh',
  'nohome:x:1001:100:::/bin/false',
  'broken:x:notanumber:1:::',
  '42:x:4242:4242::/home/numeric:',
].join('\n');
const group = ['root:x:0:', 'users:x:100:app,nohome', 'app:x:1000:', 'docker:x:999:app', 'wheel:x:10:root'].join('\n');

async function rootfs() {
  return tempDir({ 'etc/passwd': passwd, 'etc/group': group });
}

describe('readPasswd / readGroup', () => {
  it('parses the rootfs files, skipping comments and malformed lines', async () => {
    await using dir = await rootfs();
    const users = await readPasswd(dir.path);
    expect(users.map((u) => u.name)).toEqual(['root', 'app', 'nohome', '42']);
    expect(users[1]).toEqual({ name: 'app', uid: 1000, gid: 1000, home: '/home/app', shell: '/bin/sh' });
    expect((await readGroup(dir.path)).find((g) => g.name === 'users')?.members).toEqual(['app', 'nohome']);
  });

  it('reads missing files as empty and resolves a symlinked /etc inside the root', async () => {
    await using empty = await tempDir();
    expect(await readPasswd(empty.path)).toEqual([]);
    expect(await readGroup(empty.path)).toEqual([]);
    await using linked = await tempDir({ 'real-etc/passwd': 'u:x:5:6::/h:/s\n' });
    symlinkSync('/real-etc', join(linked.path, 'etc'));
    expect(await readPasswd(linked.path)).toEqual([{ name: 'u', uid: 5, gid: 6, home: '/h', shell: '/s' }]);
  });
});

describe('lookupUser (USER)', () => {
  const cases: [string, { uid: number; gid: number; groups: number[]; home: string }][] = [
    ['root', { uid: 0, gid: 0, groups: [10], home: '/root' }],
    ['app', { uid: 1000, gid: 1000, groups: [100, 999], home: '/home/app' }],
    ['1000', { uid: 1000, gid: 1000, groups: [100, 999], home: '/home/app' }],
    ['nohome', { uid: 1001, gid: 100, groups: [100], home: '/' }],
    ['5000', { uid: 5000, gid: 0, groups: [], home: '/' }],
    // A numeric spec matches uids only, never a user whose name is digits.
    ['42', { uid: 42, gid: 0, groups: [], home: '/' }],
    ['1000:999', { uid: 1000, gid: 999, groups: [], home: '/home/app' }],
    ['app:docker', { uid: 1000, gid: 999, groups: [], home: '/home/app' }],
    ['app:12345', { uid: 1000, gid: 12345, groups: [], home: '/home/app' }],
    ['5000:users', { uid: 5000, gid: 100, groups: [], home: '/' }],
    ['5000:6000', { uid: 5000, gid: 6000, groups: [], home: '/' }],
  ];
  for (const [spec, expected] of cases) {
    it(`resolves ${spec}`, async () => {
      await using dir = await rootfs();
      expect(await lookupUser(dir.path, spec)).toEqual(expected);
    });
  }

  it('fails on unknown names, naming the user or group and the file', async () => {
    await using dir = await rootfs();
    await expect(lookupUser(dir.path, 'nobody')).rejects.toMatchObject({ code: 'TSB_USER_UNKNOWN', message: expect.stringMatching(/nobody.*\/etc\/passwd/) });
    await expect(lookupUser(dir.path, 'app:nogroup')).rejects.toMatchObject({ code: 'TSB_USER_UNKNOWN', message: expect.stringMatching(/nogroup.*\/etc\/group/) });
    await expect(lookupUser(dir.path, ':100')).rejects.toMatchObject({ code: 'TSB_USER_UNKNOWN' });
    await expect(lookupUser(dir.path, 'app:')).rejects.toMatchObject({ code: 'TSB_USER_UNKNOWN' });
    await using empty = await tempDir();
    await expect(lookupUser(empty.path, 'app')).rejects.toMatchObject({ code: 'TSB_USER_UNKNOWN' });
    expect(await lookupUser(empty.path, '0')).toEqual({ uid: 0, gid: 0, groups: [], home: '/' });
  });
});

describe('resolveChown (COPY --chown)', () => {
  const cases: [string, { uid: number; gid: number }][] = [
    ['app', { uid: 1000, gid: 1000 }],
    ['nohome', { uid: 1001, gid: 100 }],
    ['1234', { uid: 1234, gid: 1234 }],
    ['1000', { uid: 1000, gid: 1000 }],
    ['app:docker', { uid: 1000, gid: 999 }],
    ['app:77', { uid: 1000, gid: 77 }],
    ['1234:users', { uid: 1234, gid: 100 }],
    ['1234:5678', { uid: 1234, gid: 5678 }],
  ];
  for (const [spec, expected] of cases) {
    it(`resolves ${spec}`, async () => {
      await using dir = await rootfs();
      expect(await resolveChown(dir.path, spec)).toEqual(expected);
    });
  }

  it('fails on a name that resolves nowhere; numeric ids need no files', async () => {
    await using dir = await tempDir();
    mkdirSync(join(dir.path, 'etc'));
    await expect(resolveChown(dir.path, 'ghost')).rejects.toMatchObject({ code: 'TSB_USER_UNKNOWN', message: expect.stringContaining('ghost') });
    await expect(resolveChown(dir.path, '1:ghosts')).rejects.toMatchObject({ code: 'TSB_USER_UNKNOWN', message: expect.stringContaining('ghosts') });
    expect(await resolveChown(dir.path, '10:20')).toEqual({ uid: 10, gid: 20 });
  });
});
