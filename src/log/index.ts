/** log/: the pino logger, redaction, and formatting of errors for people. */
export * from './logger.js';
export * from './format-error.js';
