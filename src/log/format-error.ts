/**
 * Errors as a person reads them in a terminal or a Jenkins console: the message, then the chain
 * of causes that add something. An error we did not raise on purpose is a bug: say so, with the
 * stack, so it can be reported.
 */
import { TsbuildError } from '../oci/index.js';

/** One block of text describing `err` and its causes. */
export function formatError(err: unknown): string {
  if (!(err instanceof TsbuildError)) {
    const stack = err instanceof Error ? (err.stack ?? err.message) : String(err);
    return `error: internal error (this is a bug in tsbuild, please report it)\n${stack}`;
  }
  const lines = [`error: ${err.message} [${err.code}]`];
  const seen = new Set([err.message]);
  for (let cause = err.cause; cause !== undefined && cause !== null; cause = (cause as { cause?: unknown }).cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    if (!seen.has(message) && !lines[0]!.includes(message)) lines.push(`  caused by: ${message}`);
    seen.add(message);
    if (!(cause instanceof Error)) break;
  }
  return lines.join('\n');
}
