/**
 * SecretsUsedInArgOrEnv's test, BuildKit's: a name whose first or last `_`-separated word (or
 * the whole name) is a secret-ish token, unless such a word is an allowed one (`PUBLIC_KEY`).
 */
const DENY = /(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)/i;
const ALLOW = /(?:_|^)(?:public|file|version)(?:_|$)/i;

/** True when an ARG or ENV named `name` looks like it carries a secret. */
export function isSecretName(name: string): boolean {
  return DENY.test(name) && !ALLOW.test(name);
}
