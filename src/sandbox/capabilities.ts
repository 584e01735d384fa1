/**
 * Reading the process's capability sets from /proc/self/status, and the capability names the
 * sandbox needs or hands on to commands.
 */
import { readFile } from 'node:fs/promises';

/** Linux capability numbers (linux/capability.h) by the names setpriv accepts. */
export const CAPABILITY_BITS = {
  chown: 0,
  dac_override: 1,
  fowner: 3,
  fsetid: 4,
  kill: 5,
  setgid: 6,
  setuid: 7,
  setpcap: 8,
  net_bind_service: 10,
  net_admin: 12,
  net_raw: 13,
  sys_chroot: 18,
  sys_admin: 21,
  mknod: 27,
  audit_write: 29,
  setfcap: 31,
} as const;

/** A capability name from the table above. */
export type Capability = keyof typeof CAPABILITY_BITS;

/**
 * What a RUN command running as root keeps: Docker's default set (moby `DefaultCapabilities`),
 * so a root command cannot mount, unmount or otherwise reach past its rootfs the way the
 * sandbox itself (CAP_SYS_ADMIN) can.
 */
export const DOCKER_DEFAULT_CAPABILITIES: readonly Capability[] = [
  'chown',
  'dac_override',
  'fsetid',
  'fowner',
  'mknod',
  'net_raw',
  'setgid',
  'setuid',
  'setfcap',
  'setpcap',
  'net_bind_service',
  'sys_chroot',
  'kill',
  'audit_write',
];

/** The effective and bounding sets of this process. */
export interface ProcessCapabilities {
  readonly effective: bigint;
  readonly bounding: bigint;
}

/** Parses CapEff and CapBnd from /proc/self/status. */
export async function readCapabilities(statusPath = '/proc/self/status'): Promise<ProcessCapabilities> {
  const text = await readFile(statusPath, 'utf8');
  const field = (name: string): bigint => {
    const match = new RegExp(`^${name}:\\s*([0-9a-f]+)$`, 'm').exec(text);
    return match === null ? 0n : BigInt(`0x${match[1]}`);
  };
  return { effective: field('CapEff'), bounding: field('CapBnd') };
}

/** Whether `set` holds the capability. */
export function hasCapability(set: bigint, cap: Capability): boolean {
  return ((set >> BigInt(CAPABILITY_BITS[cap])) & 1n) === 1n;
}
