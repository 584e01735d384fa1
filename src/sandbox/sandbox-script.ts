/**
 * The command line the chroot strategy runs, host side, in new namespaces:
 *
 *   unshare (mount + pid [+ net] namespaces) → perl REAPER_SCRIPT, which forks the pid
 *   namespace's init: sh MOUNT_SCRIPT (mounts inside the rootfs, loopback) → setpriv
 *   (supplementary groups, capability bounding set) → perl EXEC_SCRIPT (chroot, chdir, gid,
 *   uid, environment, exec of the command, which so becomes pid 1 as under runc)
 *
 * Why perl for the last step: Node cannot chroot or setgroups in a child, and the step must run
 * from the host (the rootfs may have no shell at all) and do chroot, then chdir *inside* the
 * root, then drop ids, in one process. GNU `chroot --userspec --groups` always chdirs to `/`;
 * `unshare --root --wd` drops supplementary groups when it changes ids; perl (Debian's essential
 * perl-base) has chroot, chdir and POSIX::setgid/setuid (which, as root, set real, effective and
 * saved ids). Perl cannot call setgroups() with an empty list (`$)` skips the call), so the
 * groups are set just before by setpriv, which can (`--clear-groups`).
 *
 * Every value reaches the scripts as a positional argument, never as script text.
 */
import type { HostTools } from './host-tools.js';
import type { RunSpec } from './types.js';
import { USER_MOUNTS_SCRIPT } from './user-mounts.js';

/**
 * Waits for the namespace's init and ends the same way: its exit code, or killed by its signal.
 * `unshare --fork` cannot do this for SIGKILL (it fails re-raising it and exits 1), and SIGKILL
 * from outside is how an init dies (the OOM killer, a kill from the host).
 *
 * With a new user namespace its first argument is the sync fd (else empty): it says "ready"
 * there and waits for "go", which the parent writes once it has written the id maps, so that
 * the init execs already mapped to root and so with every capability in the namespace.
 */
const REAPER_SCRIPT = `use strict;
my $sync = shift @ARGV;
if ($sync ne '') {
  open(my $s, '+<&=', $sync) or exit 125;
  syswrite($s, "ready\\n");
  my $n = sysread($s, my $go, 3);
  exit 125 unless defined $n && $go eq "go\\n";
  close($s);
}
my $pid = fork();
if (!defined $pid) { print STDERR "sandbox: fork: $!\\n"; exit 125 }
if ($pid == 0) { exec { $ARGV[0] } @ARGV; exit 125 }
waitpid($pid, 0);
my $status = $?;
if ($status & 127) { kill($status & 127, $$); exit 128 + ($status & 127) }
exit($status >> 8);
`;

/**
 * Mounts a minimal /dev, a fresh /proc (possible because of the new pid namespace; in a
 * container whose /proc has masked paths the kernel refuses a fresh one to a user namespace,
 * and the container's own /proc is bound instead), /sys read-only, and the generated resolv.conf and hosts over the rootfs's files, and brings `lo` up
 * in a new network namespace (here, while CAP_NET_ADMIN is still there: setpriv's bounding set
 * takes it away). The mount points exist already (`mount-points.ts`). `-n`: libmount would
 * otherwise record the mounts in the host's /run/mount/utab, outside the rootfs and work dir. Errors go to fd 3, the
 * status channel, until the exec.
 */
const MOUNT_SCRIPT = `set -eu
root=$1 resolv=$2 hosts=$3 perl=$4 loopback=$5
shift 5
exec 4>&2 2>&3
if [ -n "$loopback" ]; then "$perl" -e "$loopback"; fi
mount -n -t tmpfs -o nosuid,mode=755,size=65536k tmpfs "$root/dev"
for dev in null zero full random urandom tty; do
  [ -e "/dev/$dev" ] || continue
  : > "$root/dev/$dev"
  mount -n --bind "/dev/$dev" "$root/dev/$dev"
done
mkdir "$root/dev/pts" "$root/dev/shm"
if mount -n -t devpts -o newinstance,ptmxmode=0666,mode=0620,nosuid,noexec devpts "$root/dev/pts" 2>/dev/null; then
  ln -s pts/ptmx "$root/dev/ptmx"
fi
mount -n -t tmpfs -o nosuid,nodev,noexec,mode=1777,size=65536k shm "$root/dev/shm"
ln -s /proc/self/fd "$root/dev/fd"
ln -s /proc/self/fd/0 "$root/dev/stdin"
ln -s /proc/self/fd/1 "$root/dev/stdout"
ln -s /proc/self/fd/2 "$root/dev/stderr"
if ! mount -n -t proc -o nosuid,nodev,noexec proc "$root/proc" 2>/dev/null; then
  mount -n --rbind /proc "$root/proc"
fi
if ! mount -n -t sysfs -o ro,nosuid,nodev,noexec sysfs "$root/sys" 2>/dev/null; then
  mount -n --rbind /sys "$root/sys"
  mount -n -o remount,bind,ro "$root/sys"
fi
if [ -n "$resolv" ]; then mount -n --bind "$resolv" "$root/etc/resolv.conf"; fi
if [ -n "$hosts" ]; then mount -n --bind "$hosts" "$root/etc/hosts"; fi
${USER_MOUNTS_SCRIPT}exec 2>&4 4>&-
exec "$@"
`;

/**
 * `ip link set lo up` without iproute2: SIOCGIFFLAGS/SIOCSIFFLAGS (linux/sockios.h, the same
 * numbers on every architecture) on a struct ifreq, a 16-byte name and a 24-byte union led by
 * the short flags; IFF_UP is 1.
 */
const LOOPBACK_SCRIPT = `use strict;
use Socket qw(AF_INET SOCK_DGRAM);
socket(my $sock, AF_INET, SOCK_DGRAM, 0) or die "sandbox: socket: $!\\n";
my $ifr = pack('a16 S x22', 'lo', 0);
ioctl($sock, 0x8913, $ifr) or die "sandbox: reading the loopback flags: $!\\n";
my $flags = unpack('x16 S', $ifr);
ioctl($sock, 0x8914, pack('a16 S x22', 'lo', $flags | 1)) or die "sandbox: bringing loopback up: $!\\n";
`;

/**
 * Status channel (fd 3, close-on-exec): an error line, or "exec" just before the exec. Lines
 * starting "run:" are the command's fault (missing working directory or executable).
 * exec's block form never goes through a shell and searches the new environment's PATH inside
 * the root.
 */
const EXEC_SCRIPT = `use strict;
use POSIX ();
use Fcntl qw(F_SETFD FD_CLOEXEC);
open(my $status, '>&=', 3) or exit 125;
fcntl($status, F_SETFD, FD_CLOEXEC) or exit 125;
sub fail { syswrite($status, "$_[0]\\n"); exit 125 }
my ($root, $cwd, $uid, $gid, $nenv) = splice(@ARGV, 0, 5);
my @env = splice(@ARGV, 0, $nenv);
chroot($root) or fail("sandbox: chroot $root: $!");
chdir($cwd) or fail("run: working directory $cwd: $!");
POSIX::setgid($gid) or fail("sandbox: setgid $gid: $!");
POSIX::setuid($uid) or fail("sandbox: setuid $uid: $!");
%ENV = ();
for my $e (@env) { my ($k, $v) = split(/=/, $e, 2); $ENV{$k} = $v; }
syswrite($status, "exec\\n");
exec { $ARGV[0] } @ARGV;
fail("run: exec $ARGV[0]: $!");
`;

/** The status line the exec script writes right before exec. */
export const EXEC_MARKER = 'exec';

/** Host-side files bind-mounted over the rootfs's; `null` leaves the rootfs's own file alone. */
export interface SandboxFiles {
  readonly resolvConf: string | null;
  readonly hosts: string | null;
}

/** The fd on which the reaper and the parent meet when the maps of a user namespace are due. */
export const SYNC_FD = 4;

/** How the namespaces are made: by root with CAP_SYS_ADMIN, or inside a new user namespace. */
export interface NamespaceOptions {
  readonly userNamespace: boolean;
  /** False when the user namespace's maps had to deny setgroups(): groups are left alone. */
  readonly setGroups: boolean;
}

function unshareFlags(ns: NamespaceOptions, network: RunSpec['network']): string[] {
  return [...(ns.userNamespace ? ['--user'] : []), '--mount', '--propagation', 'private', '--pid', ...(network === 'none' ? ['--net'] : [])];
}

function reaper(tools: HostTools, ns: NamespaceOptions): string[] {
  return [tools.perl, '-e', REAPER_SCRIPT, '--', ns.userNamespace ? String(SYNC_FD) : ''];
}

/** The unshare argument vector for one RUN; `userMounts` is `planUserMounts`'s `args`. */
export function sandboxArgs(tools: HostTools, boundingSet: string, spec: RunSpec, root: string, files: SandboxFiles, ns: NamespaceOptions, userMounts: readonly string[] = ['0']): string[] {
  const groups = !ns.setGroups ? [] : spec.groups.length === 0 ? ['--clear-groups'] : ['--groups', spec.groups.join(',')];
  return [
    ...unshareFlags(ns, spec.network),
    '--',
    ...reaper(tools, ns),
    tools.sh,
    '-c',
    MOUNT_SCRIPT,
    'tsbuild-sandbox',
    root,
    files.resolvConf ?? '',
    files.hosts ?? '',
    tools.perl,
    spec.network === 'none' ? LOOPBACK_SCRIPT : '',
    ...userMounts,
    tools.setpriv,
    ...groups,
    '--bounding-set',
    boundingSet,
    '--',
    ...execArgs(tools, spec, root),
  ];
}

/** perl's chroot-and-exec step with its positional arguments; the degraded strategy runs it bare. */
export function execArgs(tools: HostTools, spec: RunSpec, root: string): string[] {
  return [tools.perl, '-e', EXEC_SCRIPT, '--', root, spec.cwd, String(spec.uid), String(spec.gid), String(spec.env.length), ...spec.env, ...spec.argv];
}

/** The probe's trial: the same namespaces, a tmpfs mounted on `mountPoint`, the perl modules. */
export function trialArgs(tools: HostTools, ns: NamespaceOptions, mountPoint: string): string[] {
  const script = 'mount -n -t tmpfs -o size=4k tsbuild-probe "$1" && exec "$2" -MPOSIX -MFcntl -MSocket -e 1';
  return [...unshareFlags(ns, 'default'), '--', ...reaper(tools, ns), tools.sh, '-c', script, 'tsbuild-probe', mountPoint, tools.perl];
}
