/**
 * A registry client and a logger whose records the cache tests read: request lines (to count
 * GETs, uploads and mounts) and warnings (a cache failure must be a warning, never an error).
 */
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/log/index.js';
import { anonymousCredentials, RegistryClient } from '../../src/registry/index.js';

export interface LogRecord {
  readonly level: number;
  readonly msg: string;
  readonly method?: string;
  readonly url?: string;
  readonly status?: number;
}

/** A debug-level JSON logger collecting its records. */
export function recordingLogger(): { logger: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) records.push(JSON.parse(line) as LogRecord);
      done();
    },
  });
  return { logger: createLogger({ format: 'json', level: 'debug', destination }), records };
}

/** A client for the test registry (loopback: https tried, then plain http). */
export function recordingClient(): { client: RegistryClient; records: LogRecord[]; logger: Logger } {
  const { logger, records } = recordingLogger();
  const client = new RegistryClient({ policy: () => ({ insecure: false, skipTlsVerify: false }), credentials: anonymousCredentials(), logger, retries: 0 });
  return { client, records, logger };
}

/** Registry requests of `method` whose URL contains `urlPart`. */
export function requests(records: readonly LogRecord[], method: string, urlPart = ''): LogRecord[] {
  return records.filter((r) => r.msg === 'registry request' && r.method === method && (r.url ?? '').includes(urlPart));
}

/** Records at warning level (pino: 40) or above. */
export function warnings(records: readonly LogRecord[]): LogRecord[] {
  return records.filter((r) => r.level >= 40);
}
