/**
 * Every error tsbuild raises on purpose is a TsbuildError with a stable code, so callers (and the
 * CLI's single exit point) can branch on data instead of message text. Subclasses add the place
 * the problem is: a Dockerfile range, a registry request, a path.
 */

/** Stable error codes. Add here; never reuse a code for a different meaning. */
export type ErrorCode =
  | 'TSB_USAGE'
  | 'TSB_DOCKERFILE_SYNTAX'
  | 'TSB_DOCKERFILE_UNSUPPORTED'
  | 'TSB_DOCKERFILE_EXPAND'
  | 'TSB_DOCKERFILE_LINT'
  | 'TSB_REFERENCE_INVALID'
  | 'TSB_DIGEST_INVALID'
  | 'TSB_DIGEST_MISMATCH'
  | 'TSB_MANIFEST_INVALID'
  | 'TSB_PLATFORM_NOT_FOUND'
  | 'TSB_REGISTRY'
  | 'TSB_REGISTRY_AUTH'
  | 'TSB_CREDENTIALS'
  | 'TSB_PATH_ESCAPE'
  | 'TSB_LAYER_INVALID'
  | 'TSB_LAYER_CONSUMED'
  | 'TSB_CONTEXT'
  | 'TSB_COPY_SOURCE'
  | 'TSB_USER_UNKNOWN'
  | 'TSB_ID_UNMAPPED'
  | 'TSB_RUN_FAILED'
  | 'TSB_SANDBOX'
  | 'TSB_OUTPUT'
  | 'TSB_INTERNAL';

export interface TsbuildErrorOptions {
  readonly cause?: unknown;
}

/** Base class of every deliberate error. `exitCode` is what the CLI exits with. */
export class TsbuildError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;

  constructor(code: ErrorCode, message: string, options: TsbuildErrorOptions = {}, exitCode = 1) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** Bad flags or arguments: exit code 2, one clear line. */
export class UsageError extends TsbuildError {
  constructor(message: string, options: TsbuildErrorOptions = {}) {
    super('TSB_USAGE', message, options, 2);
  }
}

/** A bug in tsbuild: the message asks the user to report it. */
export class InternalError extends TsbuildError {
  constructor(message: string, options: TsbuildErrorOptions = {}) {
    super('TSB_INTERNAL', `${message} (this is a bug in tsbuild, please report it)`, options);
  }
}

/** A blob's bytes do not hash to the digest it was asked for. */
export class DigestMismatchError extends TsbuildError {
  constructor(
    readonly expected: string,
    readonly actual: string,
    readonly source: string,
  ) {
    super('TSB_DIGEST_MISMATCH', `digest mismatch reading ${source}: expected ${expected}, got ${actual}`);
  }
}

/** A path inside a rootfs or context would resolve outside of it. */
export class PathEscapeError extends TsbuildError {
  constructor(
    readonly path: string,
    readonly root: string,
    detail = 'resolves outside the root',
  ) {
    super('TSB_PATH_ESCAPE', `path ${JSON.stringify(path)} ${detail} (${root})`);
  }
}
