/**
 * `--ssh default|<id>[=<socket>|<key file>[,<key file>…]]`, read as buildx reads it: the id up to
 * the first `=` (empty means `default`), then comma-separated paths. What the paths are (one
 * agent socket, or key files) is found out later, on disk, by ssh-agents.ts.
 */

/** One `--ssh`: an id and the paths given for it (none: the caller's SSH_AUTH_SOCK). */
export interface SshFlag {
  readonly id: string;
  readonly paths: readonly string[];
}

/** Parses one `--ssh` value; it cannot be malformed, as in buildx. */
export function parseSshFlag(text: string): SshFlag {
  const eq = text.indexOf('=');
  const id = (eq < 0 ? text : text.slice(0, eq)) || 'default';
  const rest = eq < 0 ? '' : text.slice(eq + 1);
  // `id=` is the same as `id` (buildx: an empty path list means SSH_AUTH_SOCK).
  return { id, paths: rest === '' ? [] : rest.split(',') };
}
