/**
 * `# check=` configures BuildKit's Dockerfile lint rules, which tsbuild does not run yet. It must
 * not be accepted silently: `error=true` asks for lint findings to fail the build, a promise
 * tsbuild cannot keep, so that is an error at the directive's line; otherwise a warning says no
 * checks ran. `skip=all` asks for no checks at all and needs neither.
 */
import { DockerfileError, type Dockerfile } from '../dockerfile/index.js';
import type { Logger } from '../log/index.js';

/** The 1-based line of the `# check=` directive (directives sit at the top of the file). */
function directiveLine(text: string): number {
  const index = text.split('\n').findIndex((line) => /^\s*#\s*check\s*=/i.test(line));
  return index < 0 ? 1 : index + 1;
}

export function applyLintDirective(df: Dockerfile, text: string, file: string, logger: Logger): void {
  const checks = df.directives.checks;
  if (!checks) return;
  if (checks.skip.includes('all') && checks.experimental.length === 0) return;
  const line = directiveLine(text);
  if (checks.error) {
    throw new DockerfileError(
      'TSB_DOCKERFILE_UNSUPPORTED',
      '# check=error=true is not supported yet: tsbuild does not run Dockerfile lint checks, so it cannot fail the build on them',
      { file, line, endLine: line },
    );
  }
  logger.warn(`${file}:${line}: # check= has no effect: tsbuild does not run Dockerfile lint checks yet`);
}
