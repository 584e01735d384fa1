/**
 * The registry client is a stack of one-file decorators over a core `Transport`, in undici's
 * `dispatch => dispatch` shape: http (node-fetch) ← logging ← redirects ← retry ← auth. Each
 * layer sees plain requests and responses, so new concerns (mirrors, registry maps) slot in as
 * another decorator.
 */
import type { Readable } from 'node:stream';
import type { Headers } from 'node-fetch';

/** Who a request is for: the auth layer asks for exactly these scopes. */
export interface RequestTarget {
  /** The registry as users name it (`docker.io`, `127.0.0.1:5000`). */
  readonly registry: string;
  /** host[:port] the API really lives at (`registry-1.docker.io`); auth is sent only there. */
  readonly apiHost: string;
  readonly repository: string;
  /** Token scopes, e.g. `repository:team/app:pull,push`. */
  readonly scopes: readonly string[];
}

/** One HTTP request. A `Uint8Array` body can be re-sent; a stream body cannot. */
export interface TransportRequest {
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | Readable;
  readonly target: RequestTarget;
}

/** One HTTP response; `body` must be consumed or destroyed by whoever ends up with it. */
export interface TransportResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  readonly body: Readable | null;
  /** The URL that produced this response (after redirects). */
  readonly url: URL;
}

/** Sends one request and resolves with the response, whatever its status. */
export type Transport = (req: TransportRequest) => Promise<TransportResponse>;

/** True when the request body may be sent again (no body, or bytes in memory). */
export function isReplayable(req: TransportRequest): boolean {
  return req.body === undefined || req.body instanceof Uint8Array;
}

/**
 * Throws away a response body without keeping its bytes, so the socket can be reused. A body
 * that breaks while being thrown away (a reset connection) must not become an unhandled error.
 */
export function discardBody(res: TransportResponse): void {
  res.body?.on('error', () => undefined).resume();
}
