/**
 * The `# check=` parser directive, read as BuildKit's linter reads it (`ParseLintOptions`): up to
 * three `;`-separated options, `skip=` (rule names, or `all`), `error=` (a Go boolean: warnings
 * fail the build) and `experimental=` (rule names, or `all`); anything else is an error.
 */
import { syntaxError, type SourceLoc } from './errors.js';
import { parseGoBool } from './go-bool.js';

/** `# check=skip=A,B;error=true`: lint rules to skip and experimental ones to run (`['all']` for every rule), and whether a warning fails the build. */
export interface CheckDirective {
  readonly skip: readonly string[];
  readonly error: boolean;
  readonly experimental: readonly string[];
}

function ruleList(value: string): string[] {
  const v = value.trim();
  return v === 'all' ? ['all'] : v.split(',').map((rule) => rule.trim());
}

/** Parses the value of `# check=`; `loc` is the directive's line. */
export function parseCheckDirective(value: string, loc: SourceLoc): CheckDirective {
  const text = value.trim();
  let skip: string[] = [];
  let experimental: string[] = [];
  let error = false;
  if (text === '') return { skip, error, experimental };
  const parts = text.split(';');
  if (parts.length > 3) throw syntaxError(`invalid check option "${parts.slice(3).join(';')}"`, loc);
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq < 0) throw syntaxError(`invalid check option "${part}"`, loc);
    const key = part.slice(0, eq).trim();
    const v = part.slice(eq + 1);
    if (key === 'skip') skip = ruleList(v);
    else if (key === 'experimental') experimental = ruleList(v);
    else if (key === 'error') {
      const parsed = parseGoBool(v.trim());
      if (parsed === undefined) throw syntaxError(`failed to parse check option "${part}": invalid boolean`, loc);
      error = parsed;
    } else throw syntaxError(`invalid check option "${key}"`, loc);
  }
  return { skip, error, experimental };
}
