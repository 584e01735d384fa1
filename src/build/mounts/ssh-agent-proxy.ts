/**
 * The socket a RUN sees for `--mount=type=ssh`: ours, not the agent's, so that it can have the
 * mount's owner and mode while the agent's socket stays the caller's. Each connection is relayed
 * to the agent one request at a time, and only requests that use keys pass (list identities,
 * sign, unlock); adding, removing or locking keys and extensions are answered with
 * SSH_AGENT_FAILURE without reaching the agent, as BuildKit's read-only agent does, so a build
 * can use the caller's keys but never change them.
 */
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import type { Readable } from 'node:stream';

/** SSH_AGENTC_REQUEST_IDENTITIES, SSH_AGENTC_SIGN_REQUEST, SSH_AGENTC_UNLOCK (draft-miller-ssh-agent). */
const PASSED = new Set([11, 13, 23]);
/** A frame of one byte, SSH_AGENT_FAILURE. */
const FAILURE = Buffer.from([0, 0, 0, 1, 5]);
/** OpenSSH's AGENT_MAX_LEN: a longer message is not the agent protocol. */
const MAX_MESSAGE = 256 * 1024;

/** A running relay; `close` ends every connection and removes the socket. */
export interface AgentProxy {
  close(): Promise<void>;
}

/** The frames (4-byte length, then the message) read from `stream`, each whole; ends with it. */
async function* frames(stream: Readable): AsyncGenerator<Buffer> {
  let pending = Buffer.alloc(0);
  for await (const chunk of stream) {
    pending = Buffer.concat([pending, chunk as Buffer]);
    while (pending.length >= 4) {
      const length = pending.readUInt32BE(0);
      if (length === 0 || length > MAX_MESSAGE) throw new Error(`not an ssh-agent message (length ${length})`);
      if (pending.length < 4 + length) break;
      yield pending.subarray(0, 4 + length);
      pending = pending.subarray(4 + length);
    }
  }
}

/** Connects to the agent; why not, as an errno code (the message would name the path). */
async function connectAgent(agentPath: string): Promise<Socket> {
  const agent = connect(agentPath);
  // Errors after the connection are seen by the reader; this keeps a late one from being unhandled.
  agent.on('error', () => {});
  try {
    await once(agent, 'connect');
    return agent;
  } catch (err) {
    agent.destroy();
    throw new Error(`cannot reach the agent (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/**
 * Relays one client. The protocol is strictly request then reply, so at most one message is in
 * flight each way and the writes below cannot pile up.
 */
async function relay(client: Socket, agent: Socket): Promise<void> {
  const replies = frames(agent);
  for await (const request of frames(client)) {
    if (!PASSED.has(request[4]!)) {
      client.write(FAILURE);
      continue;
    }
    agent.write(request);
    const reply = await replies.next();
    if (reply.done === true) break;
    client.write(reply.value);
  }
  client.end();
}

/**
 * Listens on `socketPath` (which must not exist) and relays to the agent at `agentPath`. A client
 * that misbehaves, or an agent that went away, ends that connection only; `onError` hears when
 * the agent cannot be reached (never its path: the log must not name it).
 */
export async function startAgentProxy(socketPath: string, agentPath: string, onError: (reason: string) => void): Promise<AgentProxy> {
  const clients = new Set<Socket>();
  const server = createServer((client) => {
    clients.add(client);
    client.on('error', () => {});
    connectAgent(agentPath)
      .then(
        (agent) => relay(client, agent).catch(() => {}).finally(() => agent.destroy()),
        (err: Error) => onError(err.message),
      )
      .finally(() => {
        client.destroy();
        clients.delete(client);
      });
  });
  await new Promise<void>((listening, failed) => {
    server.once('error', failed);
    server.listen(socketPath, () => {
      server.off('error', failed);
      server.on('error', (err: NodeJS.ErrnoException) => onError(err.code ?? 'error'));
      listening();
    });
  });
  return {
    async close() {
      const closed = new Promise<void>((done) => server.close(() => done()));
      for (const client of clients) client.destroy();
      await closed;
    },
  };
}
