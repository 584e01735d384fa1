/**
 * kaniko's `--context` forms (pkg/buildcontext): a path or `dir://path`; `tar://path` (a tar,
 * compressed or not) and `tar://stdin`; `git://host/repo.git[#ref[#commit]]` with `--git`;
 * `https://…` (a tarball to download). Cloud buckets (`gs://`, `s3://`, Azure blob URLs,
 * `--bucket`) are refused with the way round them. An unpacked or cloned context lives under the
 * build's work dir and goes with it; `--context-sub-path` then picks a directory inside it.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { cloneGitContext, downloadFile, isCommitSha, spoolStream, unpackContextArchive, type GitContextSpec } from '../context/index.js';
import type { Logger } from '../log/index.js';
import { UsageError } from '../oci/index.js';
import type { BuildOptions } from './options.js';

/** Where a build context comes from. */
export type ContextSource =
  | { readonly kind: 'dir'; readonly path: string }
  | { readonly kind: 'tar'; readonly path: string }
  | { readonly kind: 'stdin' }
  | { readonly kind: 'git'; readonly spec: GitContextSpec }
  | { readonly kind: 'https'; readonly url: string };

/** What preparing a context takes from the process. */
export interface ContextSetup {
  readonly cwd: string;
  readonly workDir: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Standard input, opened only for `tar://stdin`. */
  readonly stdin?: () => Readable & { readonly isTTY?: boolean };
  /** Owner of unpacked files; the tar's own owners when absent (which needs root). */
  readonly owner?: { readonly uid: number; readonly gid: number };
  readonly logger: Logger;
}

const AZURE_BLOB = /\.blob\.core\.(windows\.net|chinacloudapi\.cn|cloudapi\.de|usgovcloudapi\.net)$/i;
const STREAM_IT = 'download and extract it first (then --context DIR), or stream the tar in with --context tar://stdin';

function unsupported(given: string, what: string, example: string): UsageError {
  return new UsageError(`${given}: build contexts in ${what} are not supported; ${STREAM_IT}, e.g. ${example} | tsbuild --context tar://stdin …`);
}

function parseGit(context: string, rest: string): ContextSource {
  const [repository = '', ref = '', commit = '', ...extra] = rest.split('#');
  if (repository === '' || extra.length > 0) throw new UsageError(`--context ${context}: expected git://HOST/REPO.git[#REF[#COMMIT]]`);
  if (commit !== '' && !isCommitSha(commit)) throw new UsageError(`--context ${context}: ${JSON.stringify(commit)} is not a full commit sha (40 hex digits)`);
  return { kind: 'git', spec: { repository, ref, commit } };
}

/** Parses `--context` (and kaniko's hidden `--bucket`, which wins over it, as in kaniko). */
export function parseContextSource(context: string, bucket?: string): ContextSource {
  if (bucket !== undefined) {
    const url = bucket.includes('://') ? bucket : `gs://${bucket}`;
    if (url.startsWith('https://') && !AZURE_BLOB.test(hostOf(url))) return { kind: 'https', url };
    throw unsupported(`--bucket ${bucket}`, 'a cloud bucket', url.startsWith('s3://') ? `aws s3 cp ${url} -` : `gsutil cat ${url}`);
  }
  const at = context.indexOf('://');
  if (at < 0) return { kind: 'dir', path: context };
  const prefix = context.slice(0, at + 3);
  const rest = context.slice(at + 3);
  if (prefix === 'dir://' || prefix === 'tar://') {
    if (rest === '') throw new UsageError(`--context ${context}: no path after ${prefix}`);
    if (prefix === 'dir://') return { kind: 'dir', path: rest };
    return rest === 'stdin' ? { kind: 'stdin' } : { kind: 'tar', path: rest };
  }
  if (prefix === 'git://') return parseGit(context, rest);
  if (prefix === 'gs://') throw unsupported(`--context ${context}`, 'Google Cloud Storage', `gsutil cat ${context}`);
  if (prefix === 's3://') throw unsupported(`--context ${context}`, 'Amazon S3', `aws s3 cp ${context} -`);
  if (prefix === 'https://') {
    if (AZURE_BLOB.test(hostOf(context))) throw unsupported(`--context ${context}`, 'Azure Blob Storage', `curl -fsSL '${context}?<SAS token>'`);
    return { kind: 'https', url: context };
  }
  throw new UsageError(`--context ${context}: unknown context prefix ${prefix}; use a directory, dir://, tar://, tar://stdin, git:// or https://`);
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    throw new UsageError(`${url}: not a URL`);
  }
}

function gitEnv(setup: ContextSetup, git: BuildOptions['git']) {
  const { env } = setup;
  const token = env['GIT_TOKEN'] ?? '';
  const credentials = token !== '' ? { username: token, password: '' } : { username: env['GIT_USERNAME'] ?? '', password: env['GIT_PASSWORD'] ?? '' };
  if (git.singleBranch !== undefined || git.depth !== undefined) {
    setup.logger.info('--git single-branch/depth have no effect: tsbuild fetches only the ref it builds (depth 1, or the ref\'s history when a commit is pinned)');
  }
  return {
    scheme: env['GIT_PULL_METHOD'] === 'http' ? ('http' as const) : ('https' as const),
    recurseSubmodules: git.recurseSubmodules,
    insecureSkipTls: git.insecureSkipTls,
    credentials,
    ...(git.branch === undefined ? {} : { branch: git.branch }),
  };
}

/** Unpacks or clones the context when it needs it, and returns the directory to build from. */
async function contextRoot(o: Pick<BuildOptions, 'context' | 'git'>, source: ContextSource, setup: ContextSetup): Promise<string> {
  const into = join(setup.workDir, 'context');
  const spool = join(setup.workDir, 'context.tar');
  const display = `--context ${o.context}`;
  switch (source.kind) {
    case 'dir': {
      const dir = resolve(setup.cwd, source.path);
      if (!existsSync(dir)) throw new UsageError(`--context ${o.context}: no such directory`);
      return dir;
    }
    case 'tar': {
      const file = resolve(setup.cwd, source.path);
      if (!existsSync(file)) throw new UsageError(`--context ${o.context}: no such file`);
      await unpackContextArchive(file, into, { ...(setup.owner ? { owner: setup.owner } : {}), display });
      break;
    }
    case 'stdin': {
      const stdin = setup.stdin?.();
      if (stdin === undefined || stdin.isTTY === true) {
        throw new UsageError('--context tar://stdin: standard input is a terminal; pipe the tar in (docker run -i, kubectl run -i)');
      }
      await spoolStream(stdin, spool, display);
      await unpackContextArchive(spool, into, { ...(setup.owner ? { owner: setup.owner } : {}), display });
      await rm(spool, { force: true });
      break;
    }
    case 'https':
      await downloadFile(source.url, spool, '--context');
      await unpackContextArchive(spool, into, { ...(setup.owner ? { owner: setup.owner } : {}), display });
      await rm(spool, { force: true });
      break;
    case 'git': {
      const commit = await cloneGitContext(source.spec, into, gitEnv(setup, o.git));
      setup.logger.info({ commit }, `cloned the git context at ${commit}`);
      return into;
    }
  }
  setup.logger.info(`unpacked the build context from ${o.context}`);
  return into;
}

/** A directory inside `root` (symlinks resolved), as `--context-sub-path` must name. */
function subPath(root: string, sub: string): string {
  const dir = resolve(root, sub);
  const real = existsSync(dir) ? realpathSync(dir) : undefined;
  if (real === undefined || !statSync(real).isDirectory()) throw new UsageError(`--context-sub-path ${sub}: no such directory in the context`);
  const rel = relative(realpathSync(root), real);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) throw new UsageError(`--context-sub-path ${sub}: leads out of the context`);
  return dir;
}

/** The build context directory for `o`: unpacked or cloned into the work dir when it is not a directory. */
export async function prepareContext(o: Pick<BuildOptions, 'context' | 'bucket' | 'git' | 'contextSubPath'>, setup: ContextSetup): Promise<string> {
  const source = parseContextSource(o.context, o.bucket);
  const { git } = o;
  const gitGiven = git.branch !== undefined || git.singleBranch !== undefined || git.depth !== undefined || git.recurseSubmodules || git.insecureSkipTls;
  if (source.kind !== 'git' && gitGiven) {
    setup.logger.info('--git has no effect: the context is not a git:// URL');
  }
  const root = await contextRoot(o, source, setup);
  return o.contextSubPath === undefined ? root : subPath(root, o.contextSubPath);
}

/** A `--dockerfile` URL, downloaded into the work dir as kaniko does; the path to read. */
export async function downloadDockerfile(url: string, workDir: string): Promise<string> {
  // Its own directory: no `Dockerfile.dockerignore` lies beside it, and messages say `Dockerfile`.
  const path = join(workDir, 'dockerfile', 'Dockerfile');
  await mkdir(dirname(path), { recursive: true });
  await downloadFile(url, path, '--dockerfile');
  return path;
}
