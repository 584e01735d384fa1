/**
 * `--ssh` from argv to agent sockets, against real OpenSSH tools: buildx's reading of the value,
 * the caller's SSH_AUTH_SOCK for `default`, key files served by an ssh-agent that tsbuild starts
 * and always stops (checked by its pid), and the errors a user can act on.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from '../../src/cli/parse-args.js';
import { startSshAgents } from '../../src/cli/ssh-agents.js';
import { UsageError } from '../../src/oci/index.js';
import { tempDir } from '../helpers/temp-dir.js';

const DIST = resolve(import.meta.dirname, '../../dist');

const sshOf = (argv: string[]) => {
  const parsed = parseArgs(['--no-push', ...argv], { env: {}, isTTY: false, version: '0' });
  if (parsed.kind !== 'build') throw new Error(parsed.kind);
  return parsed.options.ssh;
};

function key(path: string, passphrase = ''): string {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'k', '-f', path]);
  return execFileSync('ssh-keygen', ['-l', '-f', path], { encoding: 'utf8' }).split(' ')[1]!;
}

const list = (socket: string) =>
  execFileSync('ssh-add', ['-l'], { env: { PATH: '/usr/bin:/bin', SSH_AUTH_SOCK: socket }, encoding: 'utf8' });

/** The pids of ssh-agent processes listening on `socket`. */
function agentPids(socket: string): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out.split('\n').filter((l) => /^\s*\d+ ssh-agent /.test(l) && l.includes(socket)).map((l) => Number.parseInt(l, 10));
}

async function usageError(p: Promise<unknown>): Promise<string> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(UsageError);
  return (err as Error).message;
}

describe('--ssh', () => {
  it.each([
    [['--ssh', 'default'], [{ id: 'default', paths: [] }]],
    [['--ssh', 'gh'], [{ id: 'gh', paths: [] }]],
    [['--ssh', 'gh='], [{ id: 'gh', paths: [] }]],
    [['--ssh', '=/a.sock'], [{ id: 'default', paths: ['/a.sock'] }]],
    [['--ssh', 'default=/run/agent.sock', '--ssh', 'k=id_a,~/id_b'], [{ id: 'default', paths: ['/run/agent.sock'] }, { id: 'k', paths: ['id_a', '~/id_b'] }]],
    [[], []],
  ])('%j is read as buildx reads it', (argv, expected) => {
    expect(sshOf(argv)).toEqual(expected);
  });

  it('uses the caller SSH_AUTH_SOCK for an id without paths, and a socket path as given', async () => {
    await using dir = await tempDir();
    const sock = join(dir.path, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 250 && !existsSync(sock); i += 1) await sleep(20);
      const run = { env: { SSH_AUTH_SOCK: sock }, cwd: dir.path, workDir: dir.path };
      const agents = await startSshAgents([{ id: 'default', paths: [] }, { id: 'x', paths: ['agent.sock'] }], run);
      expect([...agents.sockets]).toEqual([['default', sock], ['x', sock]]);
      await agents.stop();
      expect(await usageError(startSshAgents([{ id: 'default', paths: [] }], { ...run, env: {} }))).toMatch(/--ssh default: SSH_AUTH_SOCK is not set/);
      const k = join(dir.path, 'k');
      key(k);
      expect(await usageError(startSshAgents([{ id: 'a', paths: [sock, k] }], run))).toBe('--ssh a: an agent socket and key files cannot be combined');
      expect(await usageError(startSshAgents([{ id: 'a', paths: [sock, sock] }], run))).toBe('--ssh a: only one agent socket is allowed');
      expect(await usageError(startSshAgents([{ id: 'a', paths: [sock] }, { id: 'a', paths: [sock] }], run))).toBe('--ssh: duplicate agent ID "a"');
      expect(await usageError(startSshAgents([{ id: 'a', paths: ['nope'] }], run))).toBe(`--ssh a: ${join(dir.path, 'nope')} does not exist`);
    } finally {
      agent.kill();
      await once(agent, 'exit');
    }
  });

  it('serves key files from an ssh-agent it starts, and stops it', async () => {
    await using dir = await tempDir();
    const [a, b] = [join(dir.path, 'a'), join(dir.path, 'b')];
    const prints = [key(a), key(b)];
    // Readable by others, as in a Kubernetes secret volume: BuildKit loads it, and so do we.
    chmodSync(a, 0o644);
    const agents = await startSshAgents([{ id: 'keys', paths: ['a', 'b'] }], { env: { PATH: '/usr/bin:/bin' }, cwd: dir.path, workDir: dir.path });
    const socket = agents.sockets.get('keys')!;
    expect(socket).toBe(join(dir.path, 'ssh-agents/0.sock'));
    for (const print of prints) expect(list(socket)).toContain(print);
    expect(agentPids(socket)).toHaveLength(1);
    await agents.stop();
    expect(agentPids(socket)).toEqual([]);
    expect(existsSync(socket)).toBe(false);
  });

  it('leaves no agent behind when tsbuild itself is killed (SIGKILL: no finally runs)', async () => {
    await using dir = await tempDir();
    key(join(dir.path, 'a'));
    // The compiled module in a process of its own, which the test then kills.
    const script = `const { startSshAgents } = await import(${JSON.stringify(join(DIST, 'cli/ssh-agents.js'))});
const agents = await startSshAgents([{ id: 'k', paths: ['a'] }], { env: { PATH: '/usr/bin:/bin' }, cwd: ${JSON.stringify(dir.path)}, workDir: ${JSON.stringify(dir.path)} });
process.stdout.write(agents.sockets.get('k') + '\\n');
setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [line] = (await once(child.stdout, 'data')) as [Buffer];
    const socket = line.toString().trim();
    expect(agentPids(socket)).toHaveLength(1);
    child.kill('SIGKILL');
    await once(child, 'exit');
    for (let i = 0; i < 100 && agentPids(socket).length > 0; i += 1) await sleep(50);
    expect(agentPids(socket)).toEqual([]);
  });

  it('refuses a key it cannot load without prompting, leaving no agent behind', async () => {
    await using dir = await tempDir();
    key(join(dir.path, 'locked'), 'a passphrase');
    writeFileSync(join(dir.path, 'not-a-key'), 'hello\n');
    const run = { env: { PATH: '/usr/bin:/bin' }, cwd: dir.path, workDir: dir.path };
    expect(await usageError(startSshAgents([{ id: 'p', paths: ['locked'] }], run))).toMatch(/^--ssh p: cannot load the key file .*\/locked: it is protected by a passphrase/);
    expect(await usageError(startSshAgents([{ id: 'n', paths: ['not-a-key'] }], run))).toMatch(/^--ssh n: cannot load the key file .*\/not-a-key: /);
    expect(agentPids(join(dir.path, 'ssh-agents'))).toEqual([]);
    // A PATH with a shell but no OpenSSH: what a machine without openssh-client has.
    mkdirSync(join(dir.path, 'bin'));
    symlinkSync('/bin/sh', join(dir.path, 'bin/sh'));
    const noTools = { ...run, env: { PATH: join(dir.path, 'bin') } };
    expect(await usageError(startSshAgents([{ id: 't', paths: ['not-a-key'] }], noTools))).toMatch(/needs ssh-agent and ssh-add \(Debian\/Ubuntu package openssh-client\)/);
  });
});
