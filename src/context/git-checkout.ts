/**
 * Fetches exactly the resolved commit of a git source and checks it out, as BuildKit's git
 * source does: a shallow fetch of the ref (`--depth=1 --no-tags`; a full commit sha is fetched
 * by name), retried without `--depth` when the server cannot do shallow fetches; the fetched
 * commit must be the one resolved (a ref that moved meanwhile is fetched by its resolved sha);
 * submodules are updated recursively (`--depth=1`) unless `submodules=false`. The `.git`
 * directory stays only with keep-git-dir and no subdir (BuildKit keeps it only for the whole
 * tree), with `origin` set to the redacted URL, reflogs expired and FETCH_HEAD removed; otherwise
 * every `.git` (submodules' gitlink files too) is removed. The result is the tree to copy: the
 * checkout, or its `subdir`, whose every component must be a real directory inside it.
 */
import { randomUUID } from 'node:crypto';
import { lstatSync, readdirSync } from 'node:fs';
import { chmod, mkdir, rm } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { TsbuildError } from '../oci/index.js';
import { gitCli, isShallowUnsupported, type GitCli, type GitRunOptions } from './git-command.js';
import { redactGitUrl, type GitSource } from './git-ref.js';
import { resolveGitRef, verifyGitChecksum, type ResolvedGitRef } from './git-resolve.js';

/** What to keep of the checkout. */
export interface GitCheckoutOptions extends GitRunOptions {
  readonly keepGitDir: boolean;
  readonly submodules: boolean;
  /** What the ref resolved to earlier in the build (its cache key): checked out as is, not resolved again. */
  readonly resolved?: ResolvedGitRef;
}

/** A checked-out git source. */
export interface GitCheckout {
  /** The host directory whose contents ADD copies. */
  readonly dir: string;
  readonly resolved: ResolvedGitRef;
}

/** Runs `args`, and again without `--depth=1` when the server refused a shallow fetch. */
async function withDepthFallback(git: GitCli, args: readonly string[], cwd: string, what: string): Promise<string> {
  try {
    return await git(args, cwd, what);
  } catch (err) {
    if (!isShallowUnsupported(err) || !args.includes('--depth=1')) throw err;
    return git(args.filter((a) => a !== '--depth=1'), cwd, what);
  }
}

async function fetchCommit(source: GitSource, resolved: ResolvedGitRef, git: GitCli, repo: string): Promise<void> {
  const what = `ADD ${source.display}: failed to fetch ${resolved.ref}`;
  const bySha = async () => withDepthFallback(git, ['fetch', '-q', '--depth=1', source.remote, resolved.sha], repo, what);
  if (resolved.ref === resolved.sha) return void (await bySha());
  await withDepthFallback(git, ['fetch', '-q', '--depth=1', '--no-tags', source.remote, `+${resolved.ref}:${resolved.ref}`], repo, what);
  const fetched = (await git(['rev-parse', '--verify', resolved.ref], repo, what)).trim();
  if (fetched === resolved.sha) return;
  // The ref moved after it was resolved: the commit the step was keyed on is the one to build.
  await bySha();
  await git(['update-ref', '--no-deref', resolved.ref, resolved.sha], repo, what);
}

/** Removes every `.git` below `dir`: the top directory and the gitlink files of submodules. */
function removeGitDirs(dir: string): Promise<void>[] {
  const removals: Promise<void>[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.name === '.git') removals.push(rm(path, { recursive: true, force: true }));
    else if (entry.isDirectory()) removals.push(...removeGitDirs(path));
  }
  return removals;
}

function subdirOf(source: GitSource, repo: string): string {
  const clean = posix.normalize(`/${source.subdir}`);
  if (source.subdir.split('/').includes('..')) {
    throw new TsbuildError('TSB_COPY_SOURCE', `ADD ${source.display}: subdir ${JSON.stringify(source.subdir)} must not contain ..`);
  }
  let at = repo;
  for (const part of clean.split('/').filter((p) => p !== '')) {
    at = join(at, part);
    const stats = lstatSync(at, { throwIfNoEntry: false });
    if (stats?.isDirectory() !== true) {
      throw new TsbuildError('TSB_COPY_SOURCE', `ADD ${source.display}: subdir ${JSON.stringify(source.subdir)} is not a directory in the repository`);
    }
  }
  return at;
}

/** Resolves, fetches and checks out `source` in a new directory below `scratchDir`. */
export async function checkoutGitSource(source: GitSource, scratchDir: string, options: GitCheckoutOptions): Promise<GitCheckout> {
  const git = gitCli(source, options);
  const resolved = options.resolved ?? (await resolveGitRef(source, git));
  const repo = join(scratchDir, `git-${randomUUID()}`);
  await mkdir(repo, { recursive: true });
  await chmod(repo, 0o755);
  const what = `ADD ${source.display}`;
  await git(['init', '-q'], repo, `${what}: git init`);
  // Relative submodule URLs resolve against origin, as in BuildKit's repository.
  await git(['remote', 'add', 'origin', source.remote], repo, what);
  await fetchCommit(source, resolved, git, repo);
  await git(['checkout', '-q', '--detach', `${resolved.sha}^{commit}`], repo, `${what}: failed to check out ${resolved.commit}`);
  const head = (await git(['rev-parse', 'HEAD'], repo, what)).trim();
  if (head !== resolved.commit) throw new TsbuildError('TSB_COPY_SOURCE', `${what}: checked out ${head}, expected ${resolved.commit}`);
  verifyGitChecksum(source, resolved.sha, head);
  if (options.submodules) {
    await withDepthFallback(git, ['submodule', 'update', '--init', '--recursive', '--depth=1'], repo, `${what}: failed to update submodules`);
  }
  const keep = options.keepGitDir && posix.normalize(`/${source.subdir}`) === '/';
  if (keep) {
    await git(['remote', 'set-url', 'origin', redactGitUrl(source.remote)], repo, what);
    await git(['reflog', 'expire', '--all', '--expire=now'], repo, what);
    await rm(join(repo, '.git', 'FETCH_HEAD'), { force: true });
  } else {
    await Promise.all(removeGitDirs(repo));
  }
  return { dir: subdirOf(source, repo), resolved };
}
