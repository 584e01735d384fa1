/**
 * Redirects are followed here rather than by node-fetch, because node-fetch keeps
 * `Authorization` when a redirect changes only the port (MEASURED.md). Registries redirect blob
 * reads to storage (S3, GCS, another port): credentials must never follow them there.
 */
import { RegistryError } from './registry-error.js';
import { redactUrl } from './redact-url.js';
import { discardBody, isReplayable, type Transport, type TransportRequest } from './transport.js';

const MAX_REDIRECTS = 10;
const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** True when scheme, host and port are all the same (the origin, as browsers define it). */
export function sameOrigin(a: URL, b: URL): boolean {
  return a.origin === b.origin;
}

/** The request to send after a redirect to `location`, or the reason it cannot be sent. */
function redirected(req: TransportRequest, status: number, location: URL): TransportRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.toLowerCase() === 'authorization' && !sameOrigin(req.url, location)) continue;
    headers[name] = value;
  }
  // 303, and 301/302 after a POST, turn into a GET without a body (what every HTTP client does).
  if (status === 303 || ((status === 301 || status === 302) && req.method === 'POST')) {
    return { method: req.method === 'HEAD' ? 'HEAD' : 'GET', url: location, headers, target: req.target };
  }
  return { ...req, url: location, headers };
}

/** Follows up to 10 redirects, dropping `Authorization` whenever the origin changes. */
export function withRedirects(next: Transport): Transport {
  return async (first) => {
    let req = first;
    for (let hop = 0; ; hop++) {
      const res = await next(req);
      const location = res.headers.get('location');
      if (!REDIRECT_STATUSES.has(res.status) || location === null) return res;
      discardBody(res);
      const fail = (why: string) =>
        new RegistryError(
          { registry: req.target.registry, repository: req.target.repository, method: req.method, url: redactUrl(req.url), status: res.status },
          `${req.method} ${redactUrl(req.url)}: ${why}`,
        );
      if (hop >= MAX_REDIRECTS) throw fail(`more than ${MAX_REDIRECTS} redirects`);
      const target = new URL(location, req.url);
      const follow = redirected(req, res.status, target);
      if (!isReplayable(follow)) {
        throw fail(`redirected (${res.status}) to ${redactUrl(target)} but a streamed body cannot be sent twice`);
      }
      req = follow;
    }
  };
}
