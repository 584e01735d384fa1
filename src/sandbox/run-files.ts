/**
 * The per-RUN copies of resolv.conf and hosts that are bind-mounted into the rootfs: copies, so a
 * command that edits them (as Docker allows) changes neither the host nor the image.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What BuildKit gives a RUN: localhost only (there is no UTS namespace, so no own hostname). */
const HOSTS = '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n';

/** A temp directory holding `resolv.conf` and `hosts`; removed on dispose. */
export interface RunFiles extends AsyncDisposable {
  readonly resolvConf: string;
  readonly hosts: string;
}

/** Writes the files under `scratchDir`; `hostResolvConf` is copied (an absent one gives an empty file). */
export async function createRunFiles(scratchDir: string, hostResolvConf = '/etc/resolv.conf'): Promise<RunFiles> {
  await mkdir(scratchDir, { recursive: true, mode: 0o755 });
  const dir = await mkdtemp(join(scratchDir, 'tsbuild-run-'));
  const resolvConf = join(dir, 'resolv.conf');
  const hosts = join(dir, 'hosts');
  const resolv = await readFile(hostResolvConf).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return Buffer.alloc(0);
    throw error;
  });
  await writeFile(resolvConf, resolv, { mode: 0o644 });
  await writeFile(hosts, HOSTS, { mode: 0o644 });
  return {
    resolvConf,
    hosts,
    async [Symbol.asyncDispose]() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}
