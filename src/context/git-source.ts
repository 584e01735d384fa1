/**
 * Which ADD sources BuildKit's Dockerfile frontend treats as git repositories (`gitutil`
 * `ParseGitRef`): `git://` and `ssh://` URLs, scp-style `user@host:path`, and http(s) URLs whose
 * path ends in `.git` (a `#ref:subdir` fragment or a query may follow). `github.com/…` without a
 * scheme stays a local path there, and so here. Such a source is cloned (`git-checkout`), never
 * downloaded as a web page or looked up in the context.
 */

const SCP_LIKE = /^[A-Za-z0-9._~-]+@[A-Za-z0-9.-]+:/;

/** True for the sources BuildKit would clone rather than download or copy. */
export function isGitSource(source: string): boolean {
  if (source.startsWith('./') || source.startsWith('../')) return false;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(source)?.[1]?.toLowerCase();
  if (scheme === 'git' || scheme === 'ssh') return true;
  if (scheme === 'http' || scheme === 'https') {
    try {
      return new URL(source).pathname.endsWith('.git');
    } catch {
      return false;
    }
  }
  return scheme === undefined && SCP_LIKE.test(source);
}
