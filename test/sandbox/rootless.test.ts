/**
 * The rootless strategy, for real: a non-root process (uid 1000, made with setpriv) probes and
 * runs a command. It runs the compiled sandbox (dist/, which `npm test` builds first), since a
 * separate process cannot load this test's TypeScript.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { chmod, chown, copyFile, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { tempDir } from '../helpers/temp-dir.js';

const DIST = resolve(import.meta.dirname, '../../dist');

const SCRIPT = `
const { probeIsolation } = await import(process.argv[2] + '/sandbox/index.js');
const { silentLogger } = await import(process.argv[2] + '/log/index.js');
const { Writable } = await import('node:stream');
let out = '';
const sink = new Writable({ write(c, _e, d) { out += c; d(); } });
const isolation = await probeIsolation(silentLogger(), { scratchDir: process.argv[4] });
const run = (uid) => isolation.run({ root: process.argv[3], argv: ['/bin/sh', '-c', 'id -u; echo x > /dev/null && echo null-ok; echo $$; touch /tmp/f && stat -c %u /tmp/f'],
  env: ['PATH=/bin'], cwd: '/', uid, gid: uid, groups: [], network: 'default', stdout: sink, stderr: sink });
const result = await run(0);
const other = await run(1000).then(() => 'ran', (e) => e.code + ': ' + e.message);
process.stdout.write(JSON.stringify({ name: isolation.name, result, out, other }));
`;

describe('rootless isolation (a non-root caller)', () => {
  it('runs the command as root of a user namespace mapping the caller, with /dev and /proc', async () => {
    await using dir = await tempDir();
    await chmod(dir.path, 0o755);
    const root = join(dir.path, 'rootfs');
    for (const d of ['', 'bin', 'dev', 'proc', 'sys', 'etc', 'tmp']) await mkdir(join(root, d), { recursive: true });
    await copyFile('/bin/busybox', join(root, 'bin/busybox'));
    await symlink('busybox', join(root, 'bin/sh'));
    await writeFile(join(dir.path, 'probe.mjs'), SCRIPT);
    execFileSync('chown', ['-R', '1000:1000', root]);
    await mkdir(join(dir.path, 'scratch'));
    await chown(join(dir.path, 'scratch'), 1000, 1000);
    const stdout = execFileSync(
      'setpriv',
      ['--reuid=1000', '--regid=1000', '--clear-groups', process.execPath, join(dir.path, 'probe.mjs'), DIST, root, join(dir.path, 'scratch')],
      { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } },
    );
    const report = JSON.parse(stdout) as { name: string; result: unknown; out: string; other: string };
    expect(report.name).toBe('rootless');
    expect(report.result).toEqual({ exitCode: 0, signal: null });
    // Inside: uid 0, /dev/null works, the command is pid 1; on disk the file belongs to the caller.
    expect(report.out).toBe('0\nnull-ok\n1\n0\n');
    expect(statSync(join(root, 'tmp/f')).uid).toBe(1000);
    // Without /etc/subuid ranges only the caller's own id exists inside: another USER is refused clearly.
    expect(report.other).toMatch(/^TSB_RUN_FAILED: RUN needs uid 1000, gid 1000, which the rootless sandbox cannot map/);
  });
});
