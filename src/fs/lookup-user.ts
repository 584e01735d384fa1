/**
 * `USER` resolution against a rootfs, with runc's `user.GetExecUser` rules (which BuildKit's
 * executor uses): the user part matches a passwd name, or a passwd uid when numeric; a numeric
 * uid with no entry is allowed (gid 0, home `/`); an unknown name is an error. An explicit group
 * (name or numeric gid) replaces the primary gid and then there are no supplementary groups;
 * without one, the supplementary groups are those in /etc/group listing the user's name.
 */
import { TsbuildError } from '../oci/index.js';
import { parseId, readGroup, readPasswd, type GroupEntry } from './passwd.js';

/** The ids and home a process runs with for a `USER` spec. */
export interface ExecUser {
  readonly uid: number;
  readonly gid: number;
  /** Supplementary group ids (the primary gid is not repeated unless /etc/group lists it). */
  readonly groups: number[];
  readonly home: string;
}

/** Splits `user[:group]`, rejecting empty parts. */
export function splitUserSpec(spec: string): { user: string; group: string | undefined } {
  const colon = spec.indexOf(':');
  const user = colon === -1 ? spec : spec.slice(0, colon);
  const group = colon === -1 ? undefined : spec.slice(colon + 1);
  if (user === '' || group === '') {
    throw new TsbuildError('TSB_USER_UNKNOWN', `invalid user specification ${JSON.stringify(spec)}: expected user[:group]`);
  }
  return { user, group };
}

/** Resolves `name`, `uid`, `uid:gid`, `name:group`, `uid:group` or `name:gid` in the rootfs. */
export async function lookupUser(root: string, spec: string): Promise<ExecUser> {
  const { user, group } = splitUserSpec(spec);
  const uidArg = parseId(user);
  const passwd = await readPasswd(root);
  const entry = passwd.find((p) => (uidArg === undefined ? p.name === user : p.uid === uidArg));
  if (entry === undefined && uidArg === undefined) throw unknownUser(user);
  const uid = entry?.uid ?? (uidArg as number);
  const home = entry === undefined || entry.home === '' ? '/' : entry.home;
  const groups = group !== undefined || entry !== undefined ? await readGroup(root) : [];
  if (group !== undefined) {
    return { uid, gid: findGroup(groups, group), groups: [], home };
  }
  const gid = entry?.gid ?? 0;
  const supplementary = entry === undefined ? [] : groups.filter((g) => g.members.includes(entry.name)).map((g) => g.gid);
  return { uid, gid, groups: supplementary, home };
}

/** A group argument's gid: a group name, or a number (listed or not). */
export function findGroup(groups: readonly GroupEntry[], group: string): number {
  const gidArg = parseId(group);
  const match = groups.find((g) => (gidArg === undefined ? g.name === group : g.gid === gidArg));
  if (match !== undefined) return match.gid;
  if (gidArg !== undefined) return gidArg;
  throw unknownGroup(group);
}

/** The error for a user name that /etc/passwd does not list. */
export function unknownUser(user: string): TsbuildError {
  return new TsbuildError('TSB_USER_UNKNOWN', `unable to find user ${user}: no matching entries in /etc/passwd`);
}

function unknownGroup(group: string): TsbuildError {
  return new TsbuildError('TSB_USER_UNKNOWN', `unable to find group ${group}: no matching entries in /etc/group`);
}
