/**
 * kaniko's git build context (`--context git://host/org/repo.git[#ref[#commit]]`, its
 * pkg/buildcontext/git.go): the repository is fetched over https (plain http when asked, kaniko's
 * `GIT_PULL_METHOD`) with kaniko's basic auth (`GIT_USERNAME`/`GIT_PASSWORD`, or `GIT_TOKEN` as
 * the user name), at the URL's ref (a branch, a full ref such as `refs/pull/1/head`, or a commit;
 * the default branch without one) or `--git branch=` (a branch, else a tag). A second fragment
 * pins a commit in that ref's history. The ref is resolved, fetched and checked out with the git
 * code ADD uses (git-resolve, git-command): shallow when no commit is pinned, the ref's history
 * when one is. Unlike ADD, `.git` is kept (origin redacted), since kaniko's context is a clone;
 * submodules are updated only with `--git recurse-submodules=true`, kaniko's default being off.
 */
import { chmod, mkdir } from 'node:fs/promises';
import { TsbuildError } from '../oci/index.js';
import type { GitAuthorization } from './git-auth.js';
import { gitCli, isShallowUnsupported, type GitCli } from './git-command.js';
import { redactGitUrl, type GitSource } from './git-ref.js';
import { resolveGitRef, type ResolvedGitRef } from './git-resolve.js';

/** A `git://` context as written: `repository#ref#commit`. */
export interface GitContextSpec {
  /** `[user[:password]@]host[:port]/path`, what follows `git://`. */
  readonly repository: string;
  /** A branch, a full ref or a commit sha; '' for the default branch. */
  readonly ref: string;
  /** A full commit sha to check out from `ref`'s history; '' for the ref's tip. */
  readonly commit: string;
}

/** How a git context is cloned (`--git` and kaniko's environment variables). */
export interface GitContextOptions {
  readonly scheme: 'http' | 'https';
  /** `--git branch=`: a branch, else a tag, instead of the URL's ref. */
  readonly branch?: string;
  readonly recurseSubmodules: boolean;
  readonly insecureSkipTls: boolean;
  readonly credentials?: { readonly username: string; readonly password: string };
}

const AUTH_HINT = /\(a private repository needs a token: [^)]*\)/;

function basicAuthorization(remote: string, credentials: GitContextOptions['credentials']): GitAuthorization | undefined {
  if (credentials === undefined || (credentials.username === '' && credentials.password === '')) return undefined;
  const url = new URL(remote);
  url.username = '';
  url.password = '';
  const value = `basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  return { scope: url.toString(), value, secret: credentials.password === '' ? credentials.username : credentials.password };
}

/** `git -c http.sslVerify=false …` for every command, and errors that still name the command. */
function withoutTlsVerify(git: GitCli): GitCli {
  return (args, cwd, what) =>
    git(['-c', 'http.sslVerify=false', ...args], cwd, what).catch((err: unknown) => {
      if (!(err instanceof TsbuildError)) throw err;
      throw new TsbuildError(err.code, err.message.replace('git -c failed', `git ${args[0] ?? ''} failed`), { cause: err });
    });
}

/** ADD's wording made the context's: `--context <url>`, and kaniko's way to authenticate. */
function asContextError(err: unknown, display: string): unknown {
  if (!(err instanceof TsbuildError)) return err;
  const message = err.message
    .replace(`ADD ${display}`, `--context ${display}`)
    .replace(AUTH_HINT, '(a private repository needs GIT_TOKEN, or GIT_USERNAME and GIT_PASSWORD, in the environment)');
  return new TsbuildError('TSB_CONTEXT', message, { cause: err });
}

async function fetchTip(git: GitCli, dir: string, resolved: ResolvedGitRef, what: string): Promise<void> {
  const refspec = resolved.ref === resolved.sha ? resolved.sha : `+${resolved.ref}:${resolved.ref}`;
  const args = ['fetch', '-q', '--depth=1', '--no-tags', 'origin', refspec];
  try {
    await git(args, dir, what);
  } catch (err) {
    if (!isShallowUnsupported(err)) throw err;
    await git(args.filter((a) => a !== '--depth=1'), dir, what);
  }
}

/** The ref's history, so that a pinned commit behind its tip is there; else the commit by name. */
async function fetchPinned(git: GitCli, dir: string, resolved: ResolvedGitRef, commit: string, what: string): Promise<void> {
  if (resolved.ref !== resolved.sha) await git(['fetch', '-q', '--no-tags', 'origin', `+${resolved.ref}:${resolved.ref}`], dir, what);
  const present = await git(['cat-file', '-e', `${commit}^{commit}`], dir, what).then(
    () => true,
    () => false,
  );
  if (present) return;
  await git(['fetch', '-q', '--no-tags', 'origin', commit], dir, what).catch((err: unknown) => {
    throw new TsbuildError('TSB_CONTEXT', `${what}: commit ${commit} is not in ${resolved.ref} and the server would not send it`, { cause: err });
  });
}

/** Clones the context into `dir` (created) and returns the commit checked out. */
export async function cloneGitContext(spec: GitContextSpec, dir: string, options: GitContextOptions): Promise<string> {
  const remote = `${options.scheme}://${spec.repository}`;
  const display = [redactGitUrl(`git://${spec.repository}`), spec.ref, spec.commit].filter((p, i) => i === 0 || p !== '').join('#');
  let host: string;
  try {
    host = new URL(remote).host;
  } catch (err) {
    throw new TsbuildError('TSB_CONTEXT', `--context ${display}: not a repository URL: ${(err as Error).message}`, { cause: err });
  }
  const source: GitSource = { display, remote, scheme: options.scheme, host, ref: options.branch ?? spec.ref, subdir: '', checksum: '' };
  const authorization = basicAuthorization(remote, options.credentials);
  const plain = gitCli(source, authorization === undefined ? {} : { authorization });
  const git = options.insecureSkipTls ? withoutTlsVerify(plain) : plain;
  const what = `--context ${display}`;
  try {
    const resolved = await resolveGitRef(source, git);
    await mkdir(dir, { recursive: true });
    await chmod(dir, 0o755);
    await git(['init', '-q'], dir, `${what}: git init`);
    // Relative submodule URLs resolve against origin; it is redacted once they are fetched.
    await git(['remote', 'add', 'origin', remote], dir, what);
    const commit = spec.commit === '' ? resolved.commit : spec.commit;
    if (spec.commit === '') await fetchTip(git, dir, resolved, `${what}: failed to fetch ${resolved.ref}`);
    else await fetchPinned(git, dir, resolved, commit, `${what}: failed to fetch ${resolved.ref}`);
    await git(['checkout', '-q', '--detach', `${commit}^{commit}`], dir, `${what}: failed to check out ${commit}`);
    if (options.recurseSubmodules) await git(['submodule', 'update', '--init', '--recursive'], dir, `${what}: failed to update submodules`);
    await git(['remote', 'set-url', 'origin', redactGitUrl(remote)], dir, what);
    return (await git(['rev-parse', 'HEAD'], dir, what)).trim();
  } catch (err) {
    throw asContextError(err, display);
  }
}
