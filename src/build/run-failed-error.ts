import { TsbuildError } from '../oci/index.js';

/** A RUN command exited non-zero or was killed. tsbuild itself then exits 1. */
export class RunFailedError extends TsbuildError {
  constructor(
    readonly argv: readonly string[],
    /** The command's exit status (not tsbuild's: that is `exitCode`, always 1 here). */
    readonly status: number | null,
    readonly signal: string | null,
  ) {
    const how = signal ? `was killed by ${signal}` : `exited with status ${status}`;
    super('TSB_RUN_FAILED', `the command ${JSON.stringify(argv.join(' '))} ${how}`);
  }
}
