/**
 * `RUN --mount` values to typed mounts with BuildKit's defaults and checks (`parseMount`, then
 * `dispatchRunMounts` / `dispatchSecret`): bind is read-only unless `rw`, cache and tmpfs are
 * writable; a cache's id defaults to its target; a secret's id to its source or the target's
 * basename and its file to `/run/secrets/<id>` (no file when only `env` is asked for); an ssh
 * mount's id to `default` (its socket path is numbered by the builder). The
 * builder calls `parseRunMount` with the stage's expander; the parser calls it early, on values
 * without `$`, so that a mistake fails before any work.
 */
import { DockerfileError, type SourceLoc } from './errors.js';
import { MountFieldError, readMountFields, type MountFields, type MountSharing } from './mount-fields.js';

export type { MountSharing } from './mount-fields.js';

/** `type=bind`: a path of the context, a stage or an image (`from`), writes discarded. */
export interface BindMountSpec {
  readonly type: 'bind';
  readonly target: string;
  readonly from?: string;
  /** Path inside `from` (or the context); `.` when not given. */
  readonly source: string;
  readonly readonly: boolean;
}
/** `type=cache`: a persistent directory, never in a layer. */
export interface CacheMountSpec {
  readonly type: 'cache';
  readonly target: string;
  readonly id: string;
  readonly sharing: MountSharing;
  /** Initial content: `source` inside stage or image `from`. */
  readonly from?: string;
  readonly source?: string;
  readonly readonly: boolean;
  /** Of the cache directory when created: 0755, 0:0 unless given. */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
}
/** `type=tmpfs`: an empty tmpfs. */
export interface TmpfsMountSpec {
  readonly type: 'tmpfs';
  readonly target: string;
  readonly sizeBytes?: number;
}
/** `type=secret`: a file (`target`) and/or an env var (`env`), only during this RUN. */
export interface SecretMountSpec {
  readonly type: 'secret';
  readonly id: string;
  readonly target?: string;
  readonly env?: string;
  readonly required: boolean;
  /** Of the secret file: 0400, 0:0 unless given. */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
}

/** `type=ssh`: an SSH agent socket (the `--ssh` of that id), only during this RUN. */
export interface SshMountSpec {
  readonly type: 'ssh';
  /** `default` unless given. */
  readonly id: string;
  /** The socket's path; absent means `/run/buildkit/ssh_agent.<N>`, N counting this RUN's ssh mounts. */
  readonly target?: string;
  readonly required: boolean;
  /** Of the socket: 0600, 0:0 unless given. */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
}

/** One typed `--mount`. */
export type RunMountSpec = BindMountSpec | CacheMountSpec | TmpfsMountSpec | SecretMountSpec | SshMountSpec;

const SHARING: readonly string[] = ['shared', 'private', 'locked'];

function check(ok: boolean, message: string): void {
  if (!ok) throw new MountFieldError(message);
}

function validate(m: MountFields): void {
  const fileInfo = m.type === 'secret' || m.type === 'ssh' || m.type === 'cache';
  for (const key of ['mode', 'uid', 'gid'] as const) check(fileInfo || m[key] === undefined, `${key} not allowed for "${m.type}" type mounts`);
  check(m.sharing === undefined || m.type === 'cache', `invalid cache sharing set for ${m.type} mount`);
  if (m.type === 'secret') {
    check(m.from === undefined, 'secret mount should not have a from');
    const named = (m.source ?? '') !== '' || (m.target ?? '') !== '' || (m.id ?? '') !== '';
    check(named, 'invalid secret mount. one of source, target required');
    check((m.source ?? '') === '' || (m.id ?? '') === '', "both source and id can't be set");
  }
  if (m.type === 'ssh') {
    check((m.source ?? '') === '', 'ssh does not support source');
    // BuildKit builds the named stage and then ignores it: refused rather than silently ignored.
    if (m.from !== undefined) throw new MountFieldError('from is not supported on ssh mounts (BuildKit ignores it)', true);
  }
  check(m.sharing === undefined || SHARING.includes(m.sharing), `unsupported cache sharing value "${m.sharing ?? ''}"`);
  check(m.type === 'secret' || m.type === 'ssh' || (m.target ?? '') !== '', `mount type "${m.type}" requires a target`);
}

const baseName = (p: string): string => p.replace(/\/+$/, '').split('/').pop() || '/';

function typed(m: MountFields): RunMountSpec {
  const target = m.target ?? '';
  const opt = <K extends string, V>(key: K, value: V | undefined) => (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;
  switch (m.type) {
    case 'bind':
      return { type: 'bind', target, ...opt('from', m.from), source: m.source ?? '.', readonly: m.readonlySet ? m.readonly : true };
    case 'cache':
      return {
        type: 'cache', target, id: m.id || target, sharing: (m.sharing ?? 'shared') as MountSharing,
        ...opt('from', m.from), ...opt('source', m.source),
        readonly: m.readonlySet && m.readonly, mode: m.mode ?? 0o755, uid: m.uid ?? 0, gid: m.gid ?? 0,
      };
    case 'tmpfs':
      return { type: 'tmpfs', target, ...opt('sizeBytes', m.sizeBytes) };
    case 'secret': {
      const id = m.source || m.id || baseName(m.target ?? '');
      const file = m.target || (m.env === undefined ? `/run/secrets/${baseName(id)}` : undefined);
      return {
        type: 'secret', id, ...opt('target', file), ...opt('env', m.env === undefined ? undefined : m.env || id),
        required: m.required, mode: m.mode ?? 0o400, uid: m.uid ?? 0, gid: m.gid ?? 0,
      };
    }
    case 'ssh':
      return {
        type: 'ssh', id: m.id || 'default', ...opt('target', m.target || undefined),
        required: m.required, mode: m.mode ?? 0o600, uid: m.uid ?? 0, gid: m.gid ?? 0,
      };
  }
}

/** Types one raw `--mount` value; `expandWord` expands each option value (the stage env). */
export function parseRunMount(raw: string, loc: SourceLoc, expandWord: (word: string) => string = (w) => w): RunMountSpec {
  try {
    const fields = readMountFields(raw, expandWord);
    validate(fields);
    return typed(fields);
  } catch (err) {
    if (!(err instanceof MountFieldError)) throw err;
    const code = err.unsupported ? 'TSB_DOCKERFILE_UNSUPPORTED' : 'TSB_DOCKERFILE_SYNTAX';
    throw new DockerfileError(code, `RUN --mount=${raw}: ${err.message}`, loc, { cause: err });
  }
}

/** The parser's early check: full when the value has no `$`; else only BuildKit's `from` rule. */
export function checkRunMount(raw: string, loc: SourceLoc): void {
  if (!raw.includes('$')) {
    parseRunMount(raw, loc);
    return;
  }
  const from = /(?:^|,)from=([^,]*)/i.exec(raw)?.[1] ?? '';
  const dollar = from.indexOf('$');
  if (dollar >= 0 && dollar !== from.length - 1) {
    throw new DockerfileError('TSB_DOCKERFILE_SYNTAX', `RUN --mount=${raw}: 'from' doesn't support variable expansion, define alias stage instead`, loc);
  }
}
