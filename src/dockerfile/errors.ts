/**
 * Dockerfile errors carry the file and the lines they are about, as BuildKit's `WithLocation`
 * does, so `log/` can print a code frame and every message reads `Dockerfile:12: <what>`.
 */
import { TsbuildError, type TsbuildErrorOptions } from '../oci/index.js';

/** The codes a Dockerfile problem can have. */
export type DockerfileErrorCode = 'TSB_DOCKERFILE_SYNTAX' | 'TSB_DOCKERFILE_UNSUPPORTED' | 'TSB_DOCKERFILE_EXPAND';

/** Where an instruction is: the file name as given, first and last line (1-based, inclusive). */
export interface SourceLoc {
  readonly file: string;
  readonly line: number;
  readonly endLine: number;
}

/** A span of whole lines (1-based, inclusive). */
export interface LineRange {
  readonly line: number;
  readonly endLine: number;
}

/** A problem in a Dockerfile, at a line. */
export class DockerfileError extends TsbuildError {
  readonly file: string;
  /** The first line of the instruction at fault, 1-based. */
  readonly line: number;
  readonly ranges: readonly LineRange[];
  /** The message without the `file:line:` prefix. */
  readonly detail: string;

  constructor(code: DockerfileErrorCode, detail: string, loc: SourceLoc, options: TsbuildErrorOptions = {}) {
    super(code, `${loc.file}:${loc.line}: ${detail}`, options);
    this.file = loc.file;
    this.line = loc.line;
    this.ranges = [{ line: loc.line, endLine: loc.endLine }];
    this.detail = detail;
  }
}

/**
 * A word could not be expanded (`${V:?msg}`, unterminated `${`, an unknown modifier). The
 * expander is pure and knows no location; `withLocation` turns this into a DockerfileError.
 */
export class ExpandError extends TsbuildError {
  constructor(
    readonly word: string,
    readonly reason: string,
  ) {
    super('TSB_DOCKERFILE_EXPAND', `${reason} (expanding ${JSON.stringify(word)})`);
  }
}

/** Attaches an instruction's location to an ExpandError; other errors pass through unchanged. */
export function withLocation(err: unknown, loc: SourceLoc): unknown {
  if (err instanceof ExpandError) return new DockerfileError('TSB_DOCKERFILE_EXPAND', err.message, loc, { cause: err });
  return err;
}

/** Shorthand for the syntax errors the parser raises at one instruction. */
export function syntaxError(detail: string, loc: SourceLoc): DockerfileError {
  return new DockerfileError('TSB_DOCKERFILE_SYNTAX', detail, loc);
}
