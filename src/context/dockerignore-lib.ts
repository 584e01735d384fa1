/**
 * The one import of `@balena/dockerignore` (Docker's root-anchored `.dockerignore` rules; the
 * `ignore` package follows gitignore and answers differently). The package is CommonJS with an
 * ES-style `export default` in its typings, so under `module: NodeNext` the default import is
 * `module.exports`; the package sets `module.exports.default` to the factory itself.
 */
import dockerignore from '@balena/dockerignore';

/** Creates a matcher; always call it with `{ ignorecase: false }` (Linux paths are case-sensitive). */
export const createIgnore = dockerignore.default;
