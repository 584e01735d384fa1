/**
 * `ADD <git URL>` on the builder's side, as BuildKit's Dockerfile frontend 1.20 dispatches it:
 * `--keep-git-dir` and `--checksum` (a hex commit prefix here, not a digest) merge with the
 * URL's `?keep-git-dir=` and `?checksum=`, and disagreeing values are errors with BuildKit's
 * words; submodules are updated unless `?submodules=false`. Authentication comes from the
 * build's `--secret`s (`GIT_AUTH_TOKEN[.<host>]`, `GIT_AUTH_HEADER[.<host>]`) over http(s), and
 * from the `--ssh default` agent over ssh (the cache key's `ls-remote` too). The checked-out
 * tree is copied like a local directory (its contents into dest, `--exclude` applied), which is
 * what BuildKit's `llb.Copy(gitState, "/", dest)` does. The cache key input is the commit
 * `git ls-remote` resolves, with the ref name it came from; the handler checks out that same
 * commit (the build's RemoteSources remember it), as BuildKit pins the commit it keyed on, so a
 * ref that moves during the build cannot put another commit under the key.
 */
import { readFile } from 'node:fs/promises';
import {
  checkoutGitSource,
  gitAuthorization,
  gitCli,
  parseGitSource,
  resolveGitRef,
  resolveCopySources,
  rootfsTree,
  type GitRunOptions,
  type GitSource,
} from '../context/index.js';
import type { AddInstruction } from '../dockerfile/index.js';
import type { CopySource } from '../fs/index.js';
import { TsbuildError } from '../oci/index.js';
import { copySourceOptions } from './copy-options.js';
import type { StepContext } from './types.js';

/** A git source with the instruction's flags merged in. */
interface AddGitSource {
  readonly source: GitSource;
  readonly keepGitDir: boolean;
  readonly submodules: boolean;
}

function mergeFlags(src: string, ins: AddInstruction, step: Pick<StepContext, 'expand'>): AddGitSource {
  const parsed = parseGitSource(src);
  const flagChecksum = ins.flags.checksum === undefined ? '' : step.expand(ins.flags.checksum);
  if (flagChecksum !== '' && parsed.checksum !== '' && flagChecksum !== parsed.checksum) {
    throw new TsbuildError('TSB_COPY_SOURCE', `ADD ${parsed.display}: checksum mismatch ${JSON.stringify(flagChecksum)} != ${JSON.stringify(parsed.checksum)}`);
  }
  const flagKeep = ins.flags.keepGitDir;
  if (flagKeep !== undefined && parsed.keepGitDir !== undefined && flagKeep !== parsed.keepGitDir) {
    throw new TsbuildError('TSB_COPY_SOURCE', `ADD ${parsed.display}: inconsistent keep-git-dir configuration`);
  }
  return {
    source: { ...parsed, checksum: flagChecksum || parsed.checksum },
    keepGitDir: parsed.keepGitDir ?? flagKeep ?? false,
    submodules: parsed.submodules ?? true,
  };
}

/** How git runs for `source` in this build: the authorization its secrets give, and the `--ssh` agents. */
async function runOptions(source: GitSource, step: Pick<StepContext, 'runMounts'>): Promise<GitRunOptions> {
  const agents = step.runMounts?.ssh;
  // Only an ssh remote gets an agent, as only there BuildKit mounts one (context/git-ssh.ts).
  const ssh = source.scheme === 'ssh' && agents !== undefined ? { sshAgents: agents } : {};
  const secrets = step.runMounts?.secrets;
  const authorization = await gitAuthorization(source, async (id) => {
    const secret = secrets?.get(id);
    if (secret === undefined) return undefined;
    if (secret.kind === 'value') return secret.value;
    return readFile(secret.path, 'utf8').catch((err: unknown) => {
      throw new TsbuildError('TSB_USAGE', `--secret id=${id}: cannot read ${secret.path}`, { cause: err });
    });
  });
  return authorization === undefined ? ssh : { ...ssh, authorization };
}

/** Clones `src` below the step's scratch dir and returns its tree as one directory source. */
export async function gitCopySource(src: string, ins: AddInstruction, step: StepContext): Promise<CopySource> {
  const { source, keepGitDir, submodules } = mergeFlags(src, ins, step);
  const options = await runOptions(source, step);
  // The commit the cache key was made from, if the plan resolved it: a moved branch cannot slip in.
  const resolved = await step.remote.gitRef(source, () => resolveGitRef(source, gitCli(source, options)));
  const checkout = await checkoutGitSource(source, step.scratchDir, { ...options, keepGitDir, submodules, resolved });
  step.logger.info(`ADD ${source.display}: checked out ${checkout.resolved.ref} at ${checkout.resolved.commit}`);
  const tree = await rootfsTree(checkout.dir, `git repository ${source.display}`);
  const [only] = await resolveCopySources(tree, ['/'], copySourceOptions(ins, step));
  if (only === undefined) throw new TsbuildError('TSB_COPY_SOURCE', `ADD ${source.display}: the checkout is empty`);
  return only;
}

/** The cache key input of the git sources among `patterns`: what each resolves to now. */
export async function gitKeyInputs(patterns: readonly string[], ins: AddInstruction, step: StepContext): Promise<string> {
  const resolved = [];
  for (const src of patterns) {
    const { source } = mergeFlags(src, ins, step);
    const options = await runOptions(source, step);
    const ref = await step.remote.gitRef(source, () => resolveGitRef(source, gitCli(source, options)));
    resolved.push([ref.ref, ref.sha, ref.commit]);
  }
  return JSON.stringify(['git', resolved]);
}
