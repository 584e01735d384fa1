/**
 * An idle timeout per connection. `socket.setTimeout` cannot be used: node-fetch clears it when
 * the response headers arrive, and a stalled body is exactly what must not hang a build. So each
 * socket is watched: no byte read or written for `ms`, while the socket is not paused by
 * backpressure (a reader that is busy elsewhere is not a stalled peer), fails it with ETIMEDOUT,
 * which the retry layers treat as temporary.
 */
import type { Agent } from 'node:http';
import type { Socket } from 'node:net';

function isFree(agent: Agent, socket: Socket): boolean {
  return Object.values(agent.freeSockets).some((list) => list?.includes(socket));
}

function watch(agent: Agent, socket: Socket, ms: number): void {
  let seen = -1;
  let since = Date.now();
  const timer = setInterval(() => {
    const moved = socket.bytesRead + socket.bytesWritten;
    if (moved !== seen || socket.isPaused() || socket.connecting) {
      seen = moved;
      since = Date.now();
      return;
    }
    if (Date.now() - since < ms) return;
    clearInterval(timer);
    // A pooled socket waiting for its next request is idle by design; close it quietly.
    if (isFree(agent, socket)) socket.destroy();
    else socket.destroy(Object.assign(new Error(`connection idle for ${ms} ms`), { code: 'ETIMEDOUT' }));
  }, Math.max(10, Math.min(1_000, Math.floor(ms / 4))));
  timer.unref();
  socket.once('close', () => clearInterval(timer));
}

/** Makes every socket `agent` opens fail after `ms` without traffic. Returns the agent. */
export function armIdleTimeout<A extends Agent>(agent: A, ms: number): A {
  const create = agent.createConnection.bind(agent);
  agent.createConnection = (options, callback) => {
    const socket = create(options, callback) as Socket;
    watch(agent, socket, ms);
    return socket;
  };
  return agent;
}
