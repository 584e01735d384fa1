/**
 * A git source as BuildKit's Dockerfile frontend 1.20 reads it (`dfgitutil.ParseGitRef` over
 * `gitutil.ParseURL`): the remote is the URL without its fragment and query; the fragment is
 * `ref[:subdir]`; the query (frontend ≥ 1.18) may say `ref`, `tag` (→ `refs/tags/…`), `branch`
 * (→ `refs/heads/…`), `subdir`, `checksum` (alias `commit`), `keep-git-dir` and `submodules`.
 * A query key given twice, an empty value (except for the two booleans, where it means true),
 * an unknown key, or a ref / subdir that disagrees with the fragment is an error, with
 * BuildKit's wording. Scp-style `user@host:path` is ssh.
 */
import { TsbuildError } from '../oci/index.js';

/** The transports BuildKit clones over. */
export type GitScheme = 'http' | 'https' | 'git' | 'ssh';

/** A parsed git source. */
export interface GitSource {
  /** The source as written, credentials redacted: for messages. */
  readonly display: string;
  /** What git fetches: the URL without fragment and query, credentials kept. */
  readonly remote: string;
  readonly scheme: GitScheme;
  /** `host[:port]`, as BuildKit names host-scoped secrets (`GIT_AUTH_TOKEN.<host>`). */
  readonly host: string;
  /** Branch, tag, full ref name or full commit sha; '' for the remote's default branch. */
  readonly ref: string;
  /** Directory inside the repository whose contents are copied; '' for the whole tree. */
  readonly subdir: string;
  /** Hex prefix the commit (or annotated tag) must have; '' for no check. */
  readonly checksum: string;
  /** `?keep-git-dir=`, when the URL says. */
  readonly keepGitDir?: boolean;
  /** `?submodules=`, when the URL says (BuildKit's default is to update them). */
  readonly submodules?: boolean;
}

const PROTO = /^([a-zA-Z0-9]+):\/\//;
const SCP = /^([^@/]+)@([^:/]+):/;

/** True for a full commit name: 40 (sha1) or 64 (sha256) lowercase hex digits, as BuildKit checks. */
export function isCommitSha(value: string): boolean {
  return /^[a-f0-9]{40}$/.test(value) || /^[a-f0-9]{64}$/.test(value);
}

/** `url` with any user info replaced by `xxxxx`, so it can be logged or kept in `.git/config`. */
export function redactGitUrl(url: string): string {
  const proto = PROTO.exec(url);
  if (proto === null) return url.replace(SCP, (_all, _user: string, host: string) => `xxxxx@${host}:`);
  const rest = url.slice(proto[0].length);
  const slash = rest.indexOf('/');
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const at = authority.lastIndexOf('@');
  return at < 0 ? url : `${proto[0]}xxxxx@${rest.slice(at + 1)}`;
}

/** The password in `url`'s user info, decoded; '' when there is none. */
export function urlPassword(url: string): string {
  const authority = url.replace(PROTO, '').split('/')[0] ?? '';
  const userinfo = authority.includes('@') ? authority.slice(0, authority.lastIndexOf('@')) : '';
  const colon = userinfo.indexOf(':');
  if (colon < 0) return '';
  try {
    return decodeURIComponent(userinfo.slice(colon + 1));
  } catch {
    return userinfo.slice(colon + 1);
  }
}

function invalid(source: string, why: string): TsbuildError {
  return new TsbuildError('TSB_COPY_SOURCE', `ADD ${redactGitUrl(source)}: invalid git URL: ${why}`);
}

function cut(value: string, separator: string): [string, string] {
  const at = value.indexOf(separator);
  return at < 0 ? [value, ''] : [value.slice(0, at), value.slice(at + 1)];
}

function hostOf(source: string, scheme: GitScheme, remote: string): string {
  if (scheme === 'ssh' && !PROTO.test(remote)) return SCP.exec(remote)?.[2] ?? '';
  try {
    return new URL(remote).host;
  } catch (err) {
    throw invalid(source, (err as Error).message);
  }
}

/** Parses a source that `isGitSource` accepted. */
export function parseGitSource(source: string): GitSource {
  const proto = PROTO.exec(source)?.[1]?.toLowerCase();
  const scheme = (proto ?? 'ssh') as GitScheme;
  if (!['http', 'https', 'git', 'ssh'].includes(scheme)) throw invalid(source, `unsupported protocol ${proto}`);
  const [beforeFragment, rawFragment] = cut(source, '#');
  const [remote, query] = cut(beforeFragment, '?');
  let fragment = rawFragment;
  if (proto !== undefined) {
    try {
      fragment = decodeURIComponent(rawFragment);
    } catch {
      throw invalid(source, `invalid escape in fragment ${JSON.stringify(rawFragment)}`);
    }
  }
  const [ref, subdir] = cut(fragment, ':');
  const base: GitSource = { display: redactGitUrl(source), remote, scheme, host: hostOf(source, scheme, remote), ref, subdir, checksum: '' };
  try {
    return applyQuery(base, query);
  } catch (err) {
    throw invalid(source, (err as Error).message);
  }
}

function parseBool(key: string, value: string | undefined): boolean {
  if (value === undefined) return true;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  throw new Error(`invalid ${key} value: ${JSON.stringify(value)}`);
}

/** dfgitutil's `loadQuery`: each key once, conflicts with the fragment reported. */
function applyQuery(base: GitSource, query: string): GitSource {
  if (query === '') return base;
  const params = new URLSearchParams(query);
  let { ref, subdir, checksum } = base;
  const flags: { keepGitDir?: boolean; submodules?: boolean } = {};
  let tag = '';
  let branch = '';
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    if (values.length > 1) throw new Error(`query ${JSON.stringify(key)} has multiple values`);
    const value = values[0] === '' ? undefined : values[0];
    if (value === undefined && key !== 'submodules' && key !== 'keep-git-dir') throw new Error(`query ${JSON.stringify(key)} has no value`);
    const v = value ?? '';
    if (key === 'ref') {
      if (ref !== '' && ref !== v) throw new Error(`ref conflicts: ${JSON.stringify(ref)} vs ${JSON.stringify(v)}`);
      ref = v;
    } else if (key === 'tag') tag = v;
    else if (key === 'branch') branch = v;
    else if (key === 'subdir') {
      if (subdir !== '' && subdir !== v) throw new Error(`subdir conflicts: ${JSON.stringify(subdir)} vs ${JSON.stringify(v)}`);
      subdir = v;
    } else if (key === 'checksum' || key === 'commit') checksum = v;
    else if (key === 'keep-git-dir') flags.keepGitDir = parseBool(key, value);
    else if (key === 'submodules') flags.submodules = parseBool(key, value);
    else throw new Error(`unexpected query ${JSON.stringify(key)}`);
  }
  if (tag !== '') {
    const full = tag.startsWith('refs/tags/') ? tag : `refs/tags/${tag}`;
    if (ref !== '' && ref !== full) throw new Error(`ref conflicts: ${JSON.stringify(ref)} vs ${JSON.stringify(full)}`);
    ref = full;
  }
  if (branch !== '') {
    if (tag !== '') throw new Error('branch conflicts with tag');
    const full = branch.startsWith('refs/heads/') ? branch : `refs/heads/${branch}`;
    if (ref !== '' && ref !== full) throw new Error(`ref conflicts: ${JSON.stringify(ref)} vs ${JSON.stringify(full)}`);
    ref = full;
  }
  return { ...base, ref, subdir, checksum, ...flags };
}
