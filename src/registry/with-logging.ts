/** Logs every HTTP exchange at debug level: method, redacted URL, status and duration. */
import type { Logger } from '../log/index.js';
import { redactUrl } from './redact-url.js';
import type { Transport } from './transport.js';

/** Wraps a transport so each exchange (each redirect hop, each retry) is one log record. */
export function withLogging(next: Transport, logger: Logger): Transport {
  return async (req) => {
    const started = performance.now();
    const base = { method: req.method, url: redactUrl(req.url), registry: req.target.registry };
    try {
      const res = await next(req);
      logger.debug({ ...base, status: res.status, ms: Math.round(performance.now() - started) }, 'registry request');
      return res;
    } catch (err) {
      logger.debug({ ...base, err: (err as Error).message }, 'registry request failed');
      throw err;
    }
  };
}
