/**
 * An ONBUILD trigger read back from a base image's config, parsed for the child build that runs
 * it. BuildKit parses each trigger as a one-instruction Dockerfile with the default escape and
 * reports its errors at the child's FROM line, since the trigger has no line of its own here.
 */
import { syntaxError, type SourceLoc } from './errors.js';
import type { ParseOptions } from './features.js';
import { parseLine } from './instructions/index.js';
import { splitLines } from './lines.js';
import type { Instruction } from './types.js';

const NOT_TRIGGERS: ReadonlySet<string> = new Set(['FROM', 'ONBUILD', 'MAINTAINER']);

/**
 * Parses `expression` (`RUN echo hi`) with `loc` (the FROM that inherited it) as its place;
 * `options.features` as for `parseDockerfile`.
 */
export function parseTrigger(expression: string, loc: SourceLoc, options: ParseOptions = {}): Instruction {
  const { lines } = splitLines(expression, loc.file);
  const [line, ...more] = lines;
  if (line === undefined || more.length > 0) {
    throw syntaxError(`ONBUILD trigger ${JSON.stringify(expression)} should be a single instruction`, loc);
  }
  const ins = parseLine(line.text, loc, '\\', false, { features: options.features ?? {} });
  if (NOT_TRIGGERS.has(ins.kind)) throw syntaxError(`${ins.kind} isn't allowed as an ONBUILD trigger`, loc);
  return ins;
}
