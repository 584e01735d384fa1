/**
 * Which user namespace a non-root tsbuild re-executes itself in, as rootless podman and
 * `buildah unshare` do: the caller's uid and gid become 0, and the first /etc/subuid and
 * /etc/subgid ranges become 1…count, so base images' files keep their owners on disk as
 * subordinate ids. util-linux 2.38 `unshare` writes the maps: `--map-root-user` for 0, and
 * `--map-users`/`--map-groups` through the setuid newuidmap/newgidmap for the range (it keeps
 * only the last of several `--map-users`, hence one range; `--map-auto` would take the same
 * first range but map one id fewer). Without a range, or without a passwd entry (newuidmap and
 * unshare refuse a user without a name), only the caller's own ids exist inside, as 0.
 */
import { spawn } from 'node:child_process';
import type { SubordinateRange } from '../sandbox/index.js';

/** The caller and its subordinate ranges (empty when it has none, or no user name). */
export interface CallerIds {
  readonly uid: number;
  readonly gid: number;
  /** The passwd name; undefined when the uid has no passwd entry. */
  readonly user: string | undefined;
  readonly subuids: readonly SubordinateRange[];
  readonly subgids: readonly SubordinateRange[];
}

/** One way of mapping the namespace, as `unshare` flags. */
export interface NamespaceMapping {
  /** `subordinate`: 0 and a range; `single`: only the caller's ids, as 0. */
  readonly kind: 'subordinate' | 'single';
  readonly args: readonly string[];
}

/** The mappings to try, best first: the subordinate ranges when there are any, then the single id. */
export function planMappings(ids: CallerIds): NamespaceMapping[] {
  const single: NamespaceMapping = { kind: 'single', args: ['--user', '--map-root-user'] };
  const [uids] = ids.subuids;
  const [gids] = ids.subgids;
  if (ids.user === undefined || uids === undefined || gids === undefined) return [single];
  const subordinate: NamespaceMapping = {
    kind: 'subordinate',
    args: ['--user', '--map-root-user', `--map-users=${uids.start},1,${uids.count}`, `--map-groups=${gids.start},1,${gids.count}`],
  };
  return [subordinate, single];
}

/**
 * Whether `unshare` can make the namespace here: the kernel may forbid user namespaces, and
 * newuidmap may be missing or refuse the range. Runs `true` in it, which costs a few ms.
 */
export function mappingWorks(unshare: string, mapping: NamespaceMapping, env: NodeJS.ProcessEnv): Promise<boolean> {
  return new Promise((done) => {
    const trial = spawn(unshare, [...mapping.args, '--', 'true'], { stdio: 'ignore', env });
    trial.once('error', () => done(false));
    trial.once('exit', (code) => done(code === 0));
  });
}
