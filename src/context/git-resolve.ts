/**
 * Which commit a git source names, found with one `git ls-remote` before anything is fetched, as
 * BuildKit's git source resolves it (`resolveMetadata`): a full commit sha is taken as it is;
 * no ref means the remote's default branch (`ls-remote --symref HEAD`); otherwise an exact
 * `refs/…` name wins, then a branch, then a tag (an annotated tag is followed to its commit).
 * `checksum` must be a hex prefix of the commit or of the annotated tag object, else the error
 * says both.
 */
import { TsbuildError } from '../oci/index.js';
import type { GitCli } from './git-command.js';
import { isCommitSha, type GitSource } from './git-ref.js';

/** What a git source resolved to. */
export interface ResolvedGitRef {
  /** What is fetched: the full ref name that matched, or the commit sha itself. */
  readonly ref: string;
  /** The object the ref names: the commit, or an annotated tag. */
  readonly sha: string;
  /** The commit checked out. */
  readonly commit: string;
}

function checksumError(source: GitSource, got: string): TsbuildError {
  return new TsbuildError('TSB_DIGEST_MISMATCH', `ADD ${source.display}: expected checksum to match ${source.checksum}, got ${got}`);
}

/** Fails unless `checksum` is a hex prefix of one of `shas` (BuildKit compares case-sensitively). */
export function verifyGitChecksum(source: GitSource, ...shas: string[]): void {
  if (source.checksum === '' || shas.some((sha) => sha.startsWith(source.checksum))) return;
  throw checksumError(source, shas.join(' or '));
}

async function defaultBranch(source: GitSource, git: GitCli): Promise<string> {
  const out = await git(['ls-remote', '--symref', source.remote, 'HEAD'], '/', `ADD ${source.display}: cannot read the default branch`);
  const branch = /refs\/heads\/(\S+)/.exec(out)?.[1];
  if (branch === undefined) throw new TsbuildError('TSB_COPY_SOURCE', `ADD ${source.display}: could not find the default branch of the repository`);
  return branch;
}

/** Resolves `source`'s ref on the remote. */
export async function resolveGitRef(source: GitSource, git: GitCli): Promise<ResolvedGitRef> {
  if (source.checksum !== '' && !/^[a-fA-F0-9]+$/.test(source.checksum)) {
    throw new TsbuildError('TSB_COPY_SOURCE', `ADD ${source.display}: invalid checksum ${source.checksum} for Git URL, expected hex commit hash`);
  }
  if (isCommitSha(source.ref)) {
    verifyGitChecksum(source, source.ref);
    return { ref: source.ref, sha: source.ref, commit: source.ref };
  }
  const ref = source.ref === '' ? await defaultBranch(source, git) : source.ref;
  const out = await git(['ls-remote', source.remote, ref, `${ref}^{}`], '/', `ADD ${source.display}: cannot list the remote's refs`);
  const bare = (prefix: string) => (ref.startsWith(prefix) ? ref.slice(prefix.length) : ref);
  const exact = `refs/${bare('refs/')}`;
  const head = `refs/heads/${bare('refs/heads/')}`;
  const tag = `refs/tags/${bare('refs/tags/')}`;
  const found = new Map<string, string>();
  for (const line of out.split('\n')) {
    const [sha, name] = line.split('\t');
    if (sha !== undefined && name !== undefined) found.set(name, sha);
  }
  // git checkout prefers a branch when a name is both a branch and a tag.
  const name = [exact, head, tag].find((n) => found.has(n));
  if (name === undefined) throw new TsbuildError('TSB_COPY_SOURCE', `ADD ${source.display}: repository does not contain ref ${ref}`);
  const sha = found.get(name)!;
  const peeled = found.get(`${name}^{}`);
  if (!isCommitSha(sha)) throw new TsbuildError('TSB_COPY_SOURCE', `ADD ${source.display}: invalid commit sha ${JSON.stringify(sha)}`);
  verifyGitChecksum(source, ...(peeled === undefined ? [sha] : [sha, peeled]));
  return { ref: name, sha, commit: peeled ?? sha };
}
