/** A real pino logger whose JSON records are kept, so tests can count the HTTP exchanges a client made. */
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/log/index.js';

export interface LogRecord {
  readonly msg: string;
  readonly level: number;
  readonly method?: string;
  readonly url?: string;
  readonly status?: number;
  readonly registry?: string;
}

export interface RecordingLogger {
  readonly logger: Logger;
  readonly records: LogRecord[];
  /** The `registry request` records of `method` whose URL contains `urlPart`. */
  requests(method: string, urlPart?: string): LogRecord[];
}

/** A debug-level JSON logger writing into `records`. */
export function recordingLogger(): RecordingLogger {
  const records: LogRecord[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) records.push(JSON.parse(line) as LogRecord);
      done();
    },
  });
  const logger = createLogger({ format: 'json', level: 'debug', destination });
  return {
    logger,
    records,
    requests: (method, urlPart = '') => records.filter((r) => r.msg === 'registry request' && r.method === method && (r.url ?? '').includes(urlPart)),
  };
}
