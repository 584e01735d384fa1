/**
 * `--mount=type=ssh` under the rootless sandbox, for real: a non-root process (uid 1000, made
 * with setpriv) starts its own ssh-agent, serves it with `sshMount` and runs the host's ssh-add
 * inside a busybox rootfs through the rootless isolation strategy, the one a non-root process
 * uses when it cannot re-execute itself in a user namespace (whole rootless builds are in
 * test/e2e/rootless.test.ts). The pieces are driven directly, from the compiled dist/ (a
 * separate process cannot load this test's TypeScript).
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { tempDir } from '../helpers/temp-dir.js';

const DIST = resolve(import.meta.dirname, '../../dist');

const SCRIPT = `
const [dist, root, scratch, key] = process.argv.slice(2);
const { spawn } = await import('node:child_process');
const { existsSync } = await import('node:fs');
const { Writable } = await import('node:stream');
const { setTimeout: sleep } = await import('node:timers/promises');
const { probeIsolation } = await import(dist + '/sandbox/index.js');
const { silentLogger } = await import(dist + '/log/index.js');
const { sshMount } = await import(dist + '/build/mounts/ssh-mount.js');
const agentSock = scratch + '/agent.sock';
const agent = spawn('ssh-agent', ['-D', '-a', agentSock], { stdio: 'ignore' });
while (!existsSync(agentSock)) await sleep(20);
await new Promise((ok, ko) => spawn('ssh-add', ['-q', key], { env: { SSH_AUTH_SOCK: agentSock }, stdio: 'ignore' }).on('exit', (c) => (c === 0 ? ok() : ko(new Error('ssh-add ' + c)))));
let out = '';
const sink = new Writable({ write(c, _e, d) { out += c; d(); } });
const isolation = await probeIsolation(silentLogger(), { scratchDir: scratch });
const spec = { type: 'ssh', id: 'default', required: false, mode: 0o600, uid: 0, gid: 0 };
const agents = new Map([['default', agentSock]]);
const options = { scratch, index: 0, rootless: isolation.name === 'rootless', logger: silentLogger() };
const use = await sshMount(spec, '/run/buildkit/ssh_agent.0', agents, options);
const result = await isolation.run({ root, argv: ['/bin/sh', '-c', 'ssh-add -l; stat -c "%F %a %u %g" $SSH_AUTH_SOCK'],
  env: ['PATH=/usr/bin:/bin', 'SSH_AUTH_SOCK=/run/buildkit/ssh_agent.0'], cwd: '/', uid: 0, gid: 0, groups: [], network: 'default',
  mounts: [use.mount], stdout: sink, stderr: sink });
await use.release();
const other = await sshMount({ ...spec, uid: 5 }, '/x', agents, { ...options, index: 1 }).then(() => 'served', (e) => e.code + ': ' + e.message);
agent.kill();
process.stdout.write(JSON.stringify({ name: isolation.name, result, out, other, left: existsSync(scratch + '/ssh-0.sock') }));
`;

/** busybox and the host's ssh-add with the libraries it loads, as a rootfs under `root`. */
function makeRootfs(root: string): void {
  for (const d of ['bin', 'dev', 'proc', 'sys', 'etc', 'tmp']) mkdirSync(join(root, d), { recursive: true });
  copyFileSync('/bin/busybox', join(root, 'bin/busybox'));
  for (const applet of ['sh', 'stat']) symlinkSync('busybox', join(root, 'bin', applet));
  const ldd = execFileSync('ldd', ['/usr/bin/ssh-add'], { encoding: 'utf8' });
  for (const file of ['/usr/bin/ssh-add', ...[...ldd.matchAll(/(\/\S+) \(0x/g)].map((m) => m[1]!)]) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    copyFileSync(file, join(root, file));
  }
}

describe('ssh mounts under the rootless isolation (a non-root caller)', () => {
  it('relays the agent to the RUN as root of the namespace, and refuses other owners clearly', async () => {
    await using dir = await tempDir();
    execFileSync('chmod', ['755', dir.path]);
    const root = join(dir.path, 'rootfs');
    makeRootfs(root);
    const scratch = join(dir.path, 'scratch');
    mkdirSync(scratch);
    const key = join(dir.path, 'key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'rootless-key', '-f', key]);
    const fingerprint = execFileSync('ssh-keygen', ['-l', '-f', key], { encoding: 'utf8' }).split(' ')[1]!;
    writeFileSync(join(dir.path, 'probe.mjs'), SCRIPT);
    execFileSync('chown', ['-R', '1000:1000', root, scratch, key]);
    const stdout = execFileSync(
      'setpriv',
      ['--reuid=1000', '--regid=1000', '--clear-groups', process.execPath, join(dir.path, 'probe.mjs'), DIST, root, scratch, key],
      { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } },
    );
    const report = JSON.parse(stdout) as { name: string; result: unknown; out: string; other: string; left: boolean };
    expect(report.name).toBe('rootless');
    expect(report.result).toEqual({ exitCode: 0, signal: null });
    // The caller owns the socket on the host; inside, that is uid 0 and gid 0, as asked.
    expect(report.out).toBe(`256 ${fingerprint} rootless-key (ED25519)\nsocket 600 0 0\n`);
    expect(report.other).toMatch(/^TSB_SANDBOX: RUN --mount=type=ssh,uid=5,gid=0: the rootless sandbox can only give the socket to uid 0 and gid 0/);
    expect(report.left).toBe(false);
  });
});
