/**
 * The build loop attaches an instruction's location to whatever a step throws, once (BuildKit's
 * WithLocation), so every failure reads `Dockerfile:12: RUN …: <what went wrong>`.
 */
import { DockerfileError, withLocation, type Instruction, type SourceLoc } from '../dockerfile/index.js';
import { TsbuildError } from '../oci/index.js';

/** A step failed; keeps the cause's code and exit code and adds the place. */
export class StepError extends TsbuildError {
  readonly file: string;
  readonly line: number;

  constructor(cause: TsbuildError, loc: SourceLoc, summary: string) {
    super(cause.code, `${loc.file}:${loc.line}: ${summary}: ${cause.message}`, { cause }, cause.exitCode);
    this.file = loc.file;
    this.line = loc.line;
  }
}

function summary(ins: Instruction): string {
  const text = ins.original.replace(/\s+/g, ' ').trim();
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Returns `err` with `ins`'s location attached (errors that already carry one pass through). */
export function locate(err: unknown, ins: Instruction): unknown {
  const located = withLocation(err, ins.loc);
  if (located instanceof DockerfileError || located instanceof StepError) return located;
  if (located instanceof TsbuildError) return new StepError(located, ins.loc, summary(ins));
  return located;
}
