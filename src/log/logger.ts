/**
 * One pino logger per run, built from explicit options (never from process state): human text
 * for terminals and Jenkins consoles, JSON on request. Secrets are redacted by path.
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import { Writable } from 'node:stream';
import pretty from 'pino-pretty';

export type LogFormat = 'text' | 'color' | 'json';
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'panic';

export interface LoggerOptions {
  readonly format: LogFormat;
  readonly level: LogLevel;
  /** Where lines go; a file descriptor (2 for stderr) or a stream. */
  readonly destination: number | Writable;
  /** Human lines carry the date and time to the millisecond (kaniko's `--log-timestamp`), not only HH:MM:ss. */
  readonly fullTimestamps?: boolean;
}

/** Paths pino censors wherever they appear in a log record. */
export const REDACT_PATHS: readonly string[] = [
  'authorization',
  'password',
  'headers.authorization',
  'req.headers.authorization',
  '*.authorization',
  '*.password',
  '*.auth',
  '*.identitytoken',
  '*.registrytoken',
  'secret',
  '*.secret',
];

export type { Logger };

/** Builds the run's logger. `panic` is kaniko's name for pino's fatal. */
export function createLogger(options: LoggerOptions): Logger {
  const level = options.level === 'panic' ? 'fatal' : options.level;
  const redact = { paths: [...REDACT_PATHS], censor: '[redacted]' };
  if (options.format === 'json') {
    const dest: DestinationStream =
      typeof options.destination === 'number'
        ? pino.destination({ fd: options.destination, sync: true })
        : options.destination;
    return pino({ level, redact, base: null, timestamp: pino.stdTimeFunctions.isoTime }, dest);
  }
  const stream = pretty({
    colorize: options.format === 'color',
    sync: true,
    ignore: 'pid,hostname',
    translateTime: options.fullTimestamps === true ? "yyyy-mm-dd'T'HH:MM:ss.l'Z'" : 'HH:MM:ss',
    singleLine: true,
    destination: options.destination,
  });
  return pino({ level, redact, base: null }, stream);
}

/** A logger that drops everything: for library callers and tests that do not inspect logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
