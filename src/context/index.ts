/** context/: the build context — a directory, its ignore rules, and COPY source matching. */
export { openContext, type BuildContext, type OpenContextOptions } from './build-context.js';
export { resolveCopySources } from './copy-sources.js';
export { ignoreRules, parseIgnoreFile, type IgnoreRules } from './ignore-rules.js';
