import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createLogger, formatError } from '../../src/log/index.js';
import { TsbuildError, UsageError } from '../../src/oci/index.js';

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('logger', () => {
  it.each(['json', 'text'] as const)('never prints authorization headers or passwords (%s)', (format) => {
    const out = sink();
    const logger = createLogger({ format, level: 'debug', destination: out.stream });
    logger.info({ headers: { authorization: 'Bearer s3cr3t-token' }, password: 'hunter2', registry: 'r.io' }, 'request');
    logger.info({ credential: { password: 'p4ss', auth: 'dXNlcjpwYXNz' } }, 'lookup');
    expect(out.text()).toContain('r.io');
    expect(out.text()).not.toMatch(/s3cr3t-token|hunter2|p4ss|dXNlcjpwYXNz/);
  });

  it('writes one JSON object per line in json format, plain text without ANSI codes in text format', () => {
    const json = sink();
    createLogger({ format: 'json', level: 'info', destination: json.stream }).info({ step: 1 }, 'hello');
    expect(JSON.parse(json.text().trim())).toMatchObject({ msg: 'hello', step: 1, level: 30 });
    const text = sink();
    createLogger({ format: 'text', level: 'info', destination: text.stream }).info('hello');
    expect(text.text()).toMatch(/INFO.*hello/);
    expect(text.text()).not.toMatch(/\x1b\[/);
  });

  it('honours the level, with panic as fatal', () => {
    const out = sink();
    const logger = createLogger({ format: 'json', level: 'panic', destination: out.stream });
    logger.error('hidden');
    logger.fatal('shown');
    expect(out.text()).not.toContain('hidden');
    expect(out.text()).toContain('shown');
  });
});

describe('formatError', () => {
  it('prints the message, code and the causes that add something', () => {
    const root = new Error('connect ECONNREFUSED 127.0.0.1:5000');
    const err = new TsbuildError('TSB_REGISTRY', 'GET https://r.io/v2/: request failed', { cause: root });
    expect(formatError(err)).toBe('error: GET https://r.io/v2/: request failed [TSB_REGISTRY]\n  caused by: connect ECONNREFUSED 127.0.0.1:5000');
    expect(formatError(new UsageError('bad flag'))).toBe('error: bad flag [TSB_USAGE]');
  });

  it('calls an unexpected error a bug, with its stack', () => {
    const text = formatError(new TypeError('x is undefined'));
    expect(text).toMatch(/^error: internal error \(this is a bug in tsbuild, please report it\)/);
    expect(text).toContain('TypeError: x is undefined');
  });
});
