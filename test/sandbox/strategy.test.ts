import { describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { planStrategies, type ProcessFacts } from '../../src/sandbox/index.js';
import { identityMapper, rootlessMapper } from '../../src/sandbox/id-maps.js';
import { parseSubordinateIds } from '../../src/sandbox/subordinate-ids.js';
import { tempDir } from '../helpers/temp-dir.js';

const bits = (...caps: number[]) => caps.reduce((set, bit) => set | (1n << BigInt(bit)), 0n);
// CAP_CHOWN 0, DAC_OVERRIDE 1, FOWNER 3, FSETID 4, KILL 5, SETGID 6, SETUID 7, SETPCAP 8,
// NET_BIND_SERVICE 10, NET_ADMIN 12, SYS_CHROOT 18, SYS_ADMIN 21, MKNOD 27, SETFCAP 31
const PODMAN_DEFAULT = bits(0, 1, 3, 4, 5, 6, 7, 8, 10, 18, 31);
const HOST_ROOT = (1n << 41n) - 1n;

describe('planStrategies: which isolation to try, from uid and capabilities', () => {
  it.each<[string, ProcessFacts, string[]]>([
    ['root on a host (every capability)', { uid: 0, effective: HOST_ROOT }, ['chroot', 'userns', 'degraded']],
    ['root in an unprivileged podman/Kubernetes container', { uid: 0, effective: PODMAN_DEFAULT }, ['userns', 'degraded']],
    ['root that may only chroot', { uid: 0, effective: bits(18) }, ['degraded']],
    ['a non-root user', { uid: 1000, effective: 0n }, ['rootless']],
    ['root with no capabilities at all', { uid: 0, effective: 0n }, []],
  ])('%s', (_name, facts, expected) => {
    expect(planStrategies(facts, 'auto').candidates).toEqual(expected);
  });

  it('says why each strategy is out', () => {
    expect(planStrategies({ uid: 0, effective: PODMAN_DEFAULT }, 'auto').excluded).toEqual([
      'chroot: needs CAP_SYS_ADMIN, CAP_NET_ADMIN',
      'rootless: for non-root users (running as root)',
    ]);
    expect(planStrategies({ uid: 1000, effective: 0n }, 'auto').excluded).toEqual([
      'chroot: needs root (running as uid 1000)',
      'userns: needs root (running as uid 1000)',
      'degraded: needs root (running as uid 1000)',
    ]);
  });

  it('a forced mode is the only candidate, or none with the reason', () => {
    expect(planStrategies({ uid: 0, effective: HOST_ROOT }, 'degraded')).toEqual({ candidates: ['degraded'], excluded: [] });
    expect(planStrategies({ uid: 0, effective: PODMAN_DEFAULT }, 'chroot')).toEqual({
      candidates: [],
      excluded: ['chroot: needs CAP_SYS_ADMIN, CAP_NET_ADMIN'],
    });
  });
});

describe('subordinate ids and id maps', () => {
  it('reads the caller’s ranges by name or uid, skipping others and malformed lines', () => {
    const text = 'alice:100000:65536\nbob:165536:65536\n1000:300000:10\nbad line\nalice:x:5\nalice:400000:0\n';
    expect(parseSubordinateIds(text, 'alice', 1000)).toEqual([
      { start: 100000, count: 65536 },
      { start: 300000, count: 10 },
    ]);
    expect(parseSubordinateIds(text, undefined, 1001)).toEqual([]);
  });

  it('identity maps mirror every range this process sees', async () => {
    await using dir = await tempDir();
    await mkdir(join(dir.path, 'self'));
    await writeFile(join(dir.path, 'self/uid_map'), '         0          0      65536\n');
    await writeFile(join(dir.path, 'self/gid_map'), '         0     100000      65536\n');
    const mapper = await identityMapper(join(dir.path, 'self'));
    // Inside ids are the ids this process sees (the first column), whatever they are outside.
    expect(mapper.description).toBe('identity: uid 0 0 65536; gid 0 0 65536');
    expect([mapper.covers(65535, 'uid'), mapper.covers(65536, 'uid'), mapper.canSetGroups]).toEqual([true, false, true]);
  });

  it('rootless maps lay the subordinate ranges after the caller’s own id, or map only that', () => {
    const ranges = { uid: 1000, gid: 1000, subuids: [{ start: 100000, count: 65536 }], subgids: [{ start: 100000, count: 65536 }] };
    const full = rootlessMapper({ ...ranges, newuidmap: '/usr/bin/newuidmap', newgidmap: '/usr/bin/newgidmap' });
    expect(full.description).toContain('uid 0 1000 1\n1 100000 65536');
    expect([full.covers(65536, 'uid'), full.covers(65537, 'uid'), full.canSetGroups]).toEqual([true, false, true]);
    const single = rootlessMapper(ranges);
    expect(single.description).toContain('newuidmap/newgidmap (Debian package "uidmap") not installed');
    expect([single.covers(0, 'uid'), single.covers(1, 'gid'), single.canSetGroups]).toEqual([true, false, false]);
  });
});
