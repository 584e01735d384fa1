/**
 * The relay behind RUN --mount=type=ssh, spoken to in raw agent protocol frames, in front of a
 * real OpenSSH agent: key use passes, anything that would change the agent is refused without
 * reaching it (BuildKit's read-only agent), replies keep the order of requests, a client that
 * does not speak the protocol is cut off, and `close` ends live connections and the socket.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startAgentProxy } from '../../src/build/mounts/ssh-agent-proxy.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';

let dir: TempDir;
let agent: ChildProcess;
let agentSock: string;

const frame = (type: number, body: Buffer = Buffer.alloc(0)) => {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(body.length + 1, 0);
  head[4] = type;
  return Buffer.concat([head, body]);
};
const sshString = (s: string) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(Buffer.byteLength(s), 0);
  return Buffer.concat([len, Buffer.from(s)]);
};

/** Reads `count` whole reply frames from `sock`, leaving it open; their message types. */
function replies(sock: Socket, count: number): Promise<number[]> {
  let data = Buffer.alloc(0);
  const types: number[] = [];
  return new Promise((done, fail) => {
    const onData = (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      while (data.length >= 4 && data.length >= 4 + data.readUInt32BE(0)) {
        types.push(data[4]!);
        data = data.subarray(4 + data.readUInt32BE(0));
      }
      if (types.length < count) return;
      sock.off('data', onData);
      done(types);
    };
    sock.on('data', onData);
    sock.once('close', () => fail(new Error(`closed after ${types.length} replies`)));
  });
}

async function client(path: string): Promise<Socket> {
  const sock = connect(path);
  await once(sock, 'connect');
  return sock;
}

const keysInAgent = () =>
  execFileSync('ssh-add', ['-l'], { env: { PATH: '/usr/bin:/bin', SSH_AUTH_SOCK: agentSock }, encoding: 'utf8' }).trim().split('\n').length;

beforeAll(async () => {
  dir = await tempDir();
  agentSock = join(dir.path, 'agent.sock');
  agent = spawn('ssh-agent', ['-D', '-a', agentSock], { stdio: 'ignore' });
  for (let i = 0; i < 250 && !existsSync(agentSock); i += 1) await sleep(20);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir.path, 'k')]);
  execFileSync('ssh-add', ['-q', join(dir.path, 'k')], { env: { PATH: '/usr/bin:/bin', SSH_AUTH_SOCK: agentSock } });
});
afterAll(async () => {
  agent.kill();
  await once(agent, 'exit');
  await dir[Symbol.asyncDispose]();
});

describe('the ssh agent relay', () => {
  it('passes identity requests, refuses add, remove, lock and extensions, in request order', async () => {
    const path = join(dir.path, 'relay-1.sock');
    const proxy = await startAgentProxy(path, agentSock, () => {});
    try {
      const sock = await client(path);
      // Sent in one write: the relay must still answer in order, one request at a time.
      sock.write(Buffer.concat([
        frame(11),
        frame(17, sshString('ssh-ed25519')),
        frame(19),
        frame(22, sshString('a lock passphrase')),
        frame(27, sshString('query')),
        frame(11),
      ]));
      expect(await replies(sock, 6)).toEqual([12, 5, 5, 5, 5, 12]);
      sock.destroy();
      // The agent never saw them: still one key, still unlocked.
      expect(keysInAgent()).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  it('cuts off a client that does not speak the protocol, and keeps serving others', async () => {
    const path = join(dir.path, 'relay-2.sock');
    const proxy = await startAgentProxy(path, agentSock, () => {});
    try {
      const bad = await client(path);
      bad.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 11]));
      await once(bad, 'close');
      const good = await client(path);
      good.write(frame(11));
      expect(await replies(good, 1)).toEqual([12]);
      good.destroy();
    } finally {
      await proxy.close();
    }
  });

  it('ends live connections and removes its socket on close', async () => {
    const path = join(dir.path, 'relay-3.sock');
    const proxy = await startAgentProxy(path, agentSock, () => {});
    const sock = await client(path);
    sock.write(frame(11));
    expect(await replies(sock, 1)).toEqual([12]);
    const closed = once(sock, 'close');
    await proxy.close();
    await closed;
    expect(existsSync(path)).toBe(false);
  });

  it('reports an agent it cannot reach by errno, never by path, and closes that client', async () => {
    const path = join(dir.path, 'relay-4.sock');
    const reasons: string[] = [];
    const proxy = await startAgentProxy(path, join(dir.path, 'gone.sock'), (r) => reasons.push(r));
    try {
      const sock = await client(path);
      await once(sock, 'close');
      expect(reasons).toEqual(['cannot reach the agent (ENOENT)']);
    } finally {
      await proxy.close();
    }
  });
});
