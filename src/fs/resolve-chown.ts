/**
 * `COPY --chown` / `ADD --chown` ownership, as BuildKit's file op reads it (`readUser`): a
 * numeric user gives uid = gid = that number; a user name gives its passwd uid and primary gid;
 * a group part (numeric, or a name from /etc/group) then replaces the gid. Numeric ids need no
 * entry anywhere. BuildKit silently uses 0 for a name it cannot find; the classic builder fails.
 * We fail (DESIGN rule 5: never a silent surprise), naming the user and the file.
 */
import { findGroup, splitUserSpec, unknownUser } from './lookup-user.js';
import { parseId, readGroup, readPasswd } from './passwd.js';

/** Owner ids for copied files. */
export interface ChownIds {
  readonly uid: number;
  readonly gid: number;
}

/** Resolves a `--chown` spec (`user`, `user:group`, numeric or names) in the rootfs. */
export async function resolveChown(root: string, spec: string): Promise<ChownIds> {
  const { user, group } = splitUserSpec(spec);
  let uid = parseId(user);
  let gid = uid;
  if (uid === undefined) {
    const entry = (await readPasswd(root)).find((p) => p.name === user);
    if (entry === undefined) throw unknownUser(user);
    uid = entry.uid;
    gid = entry.gid;
  }
  if (group !== undefined) {
    gid = parseId(group) ?? findGroup(await readGroup(root), group);
  }
  return { uid, gid: gid as number };
}
