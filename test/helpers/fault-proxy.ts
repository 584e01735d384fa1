/**
 * A reverse proxy on loopback (plain HTTP) in front of a test registry that misbehaves on a
 * seeded schedule, like the flaky corporate proxy a Jenkins pod pushes through: it answers
 * 500/503/429 (Retry-After: 0) without asking the registry, resets connections in the middle of a
 * request (before the registry saw it, or after, so the answer is lost), cuts response bodies
 * short and corrupts them. The Host header is passed on unchanged, so the registry's Location
 * headers point back at the proxy. Test fixtures may buffer small bodies (`corrupt`).
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, request, type ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';

export type FaultKind = 'status' | 'reset-before' | 'reset-after' | 'truncate' | 'corrupt';

/** One request as the proxy saw it. */
export interface ProxiedRequest {
  readonly method: string;
  readonly path: string;
  readonly fault?: FaultKind | 'intercepted';
  status?: number | undefined;
}

/** An answer given instead of the registry's. */
export interface Interception {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export interface FaultProxyOptions {
  /** `http://127.0.0.1:PORT` of the registry. */
  readonly target: string;
  readonly seed?: number;
  /** Probability that a request is faulted (0 = a faithful proxy). */
  readonly rate?: number;
  readonly faults?: readonly FaultKind[];
  /** Which requests may be faulted; default all. */
  readonly eligible?: (method: string, path: string) => boolean;
  /** Answers some requests itself (a body limit, an immutable tag). */
  readonly intercept?: (method: string, path: string, headers: IncomingHttpHeaders) => Interception | undefined;
}

export interface FaultProxy extends AsyncDisposable {
  readonly host: string;
  readonly url: string;
  readonly log: ProxiedRequest[];
  /** Stops faulting (the proxy keeps forwarding). */
  calm(): void;
}

/** mulberry32: a tiny seeded PRNG, so a failing schedule can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function drain(req: IncomingMessage): Promise<void> {
  for await (const _ of req) void _;
}

function forward(target: URL, req: IncomingMessage): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, resolve);
    upstream.on('error', reject);
    pipeline(req, upstream).catch(reject);
  });
}

async function relay(up: IncomingMessage, res: ServerResponse, fault: FaultKind | undefined, method: string): Promise<void> {
  // A HEAD answer has a Content-Length but no body to cut or corrupt.
  const length = method === 'HEAD' ? 0 : Number(up.headers['content-length'] ?? 0);
  if (fault === 'reset-after') {
    up.resume();
    res.socket?.destroy();
  } else if (fault === 'truncate' && length > 1) {
    res.writeHead(up.statusCode ?? 502, up.headers);
    let sent = 0;
    for await (const chunk of up as AsyncIterable<Buffer>) {
      const room = Math.floor(length / 2) - sent;
      if (room <= 0) break;
      res.write(chunk.subarray(0, room));
      sent += Math.min(room, chunk.length);
    }
    up.destroy();
    // Give the partial body a moment to leave before the connection is cut.
    setTimeout(() => res.socket?.destroy(), 20);
  } else if (fault === 'corrupt' && length > 0) {
    const chunks: Buffer[] = [];
    for await (const chunk of up as AsyncIterable<Buffer>) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    body[Math.floor(body.length / 2)]! ^= 0xff;
    res.writeHead(up.statusCode ?? 502, up.headers).end(body);
  } else {
    res.writeHead(up.statusCode ?? 502, up.headers);
    await pipeline(up, res);
  }
}

/** Starts a proxy in front of `options.target`; stop it with `await using`. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const random = prng(options.seed ?? 1);
  const kinds = options.faults ?? ['status', 'reset-before', 'reset-after', 'truncate'];
  let rate = options.rate ?? 0;
  const log: ProxiedRequest[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const answer = options.intercept?.(method, path, req.headers);
    if (answer) {
      log.push({ method, path, fault: 'intercepted', status: answer.status });
      await drain(req);
      res.writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers }).end(answer.body ?? '');
      return;
    }
    const eligible = options.eligible?.(method, path) ?? true;
    const fault = eligible && random() < rate ? kinds[Math.floor(random() * kinds.length)] : undefined;
    const entry: ProxiedRequest = { method, path, ...(fault ? { fault } : {}) };
    log.push(entry);
    if (fault === 'status') {
      await drain(req);
      const status = [500, 503, 429][Math.floor(random() * 3)]!;
      entry.status = status;
      res.writeHead(status, { 'Retry-After': '0', 'Content-Type': 'application/json' });
      res.end('{"errors":[{"code":"UNAVAILABLE","message":"injected fault"}]}');
      return;
    }
    if (fault === 'reset-before') {
      req.socket.destroy();
      return;
    }
    const up = await forward(target, req);
    entry.status = up.statusCode;
    await relay(up, res, fault, method);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.socket?.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('proxy has no address');
  const host = `127.0.0.1:${address.port}`;
  return {
    host,
    url: `http://${host}`,
    log,
    calm: () => {
      rate = 0;
    },
    async [Symbol.asyncDispose]() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
