/**
 * A Node base image for the executor image's Dockerfile, made offline from this machine: the
 * node binary (where node:20-bookworm-slim has it, /usr/local/bin), the Debian packages
 * the Dockerfile and the sandbox use (dash, coreutils, util-linux, mount, perl-base, attr,
 * busybox-static, git and openssh-client for ADD of a repository and --ssh, zstd for zstd layers), the CA certificates, and every shared library their ELF files load (ldd).
 * Built with production code (writeLayer, scratchImage, appendLayers) and pushed with the
 * production registry client, like busybox-image.ts. About 150 MB unpacked, 60 MB as a gzip
 * layer that takes ~15 s to write: it is cached in the temp dir under a key that hashes every
 * entry's name, size, mode and mtime, so it is rebuilt exactly when the host's files change.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createReadStream, lstatSync, readdirSync, readlinkSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join, posix, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pack, type Pack } from 'tar-stream';
import { appendLayers, layerFromFile, pushImage, scratchImage, withConfig, writeLayer, type Layer } from '../../src/image/index.js';
import { silentLogger } from '../../src/log/index.js';
import { DEFAULT_PLATFORM, MediaType, parseDigest, parseReference, type Digest } from '../../src/oci/index.js';
import { anonymousCredentials, RegistryClient } from '../../src/registry/index.js';

const PACKAGES = ['dash', 'coreutils', 'util-linux', 'mount', 'perl-base', 'attr', 'busybox-static', 'ca-certificates', 'git', 'openssh-client', 'zstd'];
const SKIP = /^\/usr\/share\/(doc|man|info|lintian|locale|bash-completion)\//;
const MTIME = new Date('2024-01-01T00:00:00Z');

/** Files of the image's own, not the host's. */
const FILES: Readonly<Record<string, string>> = {
  '/etc/passwd': 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n',
  '/etc/group': 'root:x:0:\nnogroup:x:65534:\n',
};

type Entry =
  | { readonly kind: 'file'; readonly name: string; readonly host: string; readonly stats: Stats }
  | { readonly kind: 'text'; readonly name: string; readonly text: string }
  | { readonly kind: 'symlink'; readonly name: string; readonly target: string }
  | { readonly kind: 'dir'; readonly name: string; readonly mode: number };

/** The host path with its directories resolved (merged /usr: /bin/dash is /usr/bin/dash). */
function canonical(path: string): string {
  return join(realpathSync(dirname(path)), basename(path));
}

/** Collects files, following symlinks to their targets, into `entries` keyed by image path. */
class Collector {
  readonly entries = new Map<string, Entry>();

  add(hostPath: string, imagePath = canonical(hostPath)): void {
    if (this.entries.has(imagePath) || SKIP.test(imagePath)) return;
    const st = lstatSync(hostPath);
    if (st.isSymbolicLink()) {
      const target = readlinkSync(hostPath);
      this.entries.set(imagePath, { kind: 'symlink', name: imagePath, target });
      // Follow links to files (libraries, certificates); a link to a directory stays a link.
      const to = resolve(dirname(hostPath), target);
      if (!statSync(to, { throwIfNoEntry: false })?.isFile()) return;
      // An absolute target is a host path (canonical in the image too); a relative one sits beside the link.
      if (target.startsWith('/')) this.add(to);
      else this.add(to, posix.resolve(dirname(imagePath), target));
    } else if (st.isFile()) {
      this.entries.set(imagePath, { kind: 'file', name: imagePath, host: hostPath, stats: st });
    } else if (st.isDirectory()) {
      this.entries.set(imagePath, { kind: 'dir', name: imagePath, mode: st.mode & 0o7777 });
      for (const child of readdirSync(hostPath)) this.add(join(hostPath, child), join(imagePath, child));
    }
  }

  /** Adds every shared library the ELF files collected so far load (one ldd call for all). */
  addLibraries(): void {
    const isElfCandidate = (e: Entry): e is Extract<Entry, { kind: 'file' }> =>
      e.kind === 'file' && ((e.stats.mode & 0o111) !== 0 || /\.so(\.|$)/.test(e.name));
    const hosts = [...this.entries.values()].filter(isElfCandidate).map((e) => e.host);
    // ldd exits non-zero when some argument is not dynamic (scripts, static busybox): keep its output.
    let out: string;
    try {
      out = execFileSync('ldd', hosts, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
    } catch (error) {
      out = String((error as { stdout?: string }).stdout ?? '');
    }
    for (const match of out.matchAll(/(\/\S+) \(0x/g)) this.add(match[1]!);
  }
}

function packageFiles(): string[] {
  return PACKAGES.flatMap((p) => execFileSync('dpkg', ['-L', p], { encoding: 'utf8' }).split('\n')).filter((f) => f.startsWith('/'));
}

function collect(): Entry[] {
  const c = new Collector();
  for (const file of packageFiles()) {
    const st = lstatSync(file, { throwIfNoEntry: false });
    if (st !== undefined && !st.isDirectory()) c.add(file);
  }
  c.add('/etc/ssl/certs');
  c.add('/usr/bin/node', '/usr/local/bin/node');
  c.addLibraries();
  for (const [link, target] of [['/bin', 'usr/bin'], ['/sbin', 'usr/sbin'], ['/lib', 'usr/lib'], ['/lib64', 'usr/lib64']] as const) {
    c.entries.set(link, { kind: 'symlink', name: link, target });
  }
  for (const [name, text] of Object.entries(FILES)) c.entries.set(name, { kind: 'text', name, text });
  for (const dir of ['/tmp', '/root', '/etc', '/var/tmp']) c.entries.set(dir, { kind: 'dir', name: dir, mode: dir.endsWith('tmp') ? 0o1777 : 0o755 });
  // Every parent directory, so the tar is complete on its own.
  for (const name of [...c.entries.keys()]) {
    for (let d = dirname(name); d !== '/'; d = dirname(d)) if (!c.entries.has(d)) c.entries.set(d, { kind: 'dir', name: d, mode: 0o755 });
  }
  return [...c.entries.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function writeEntry(p: Pack, e: Entry): Promise<void> {
  const base = { name: e.name.slice(1), uid: 0, gid: 0, mtime: MTIME };
  if (e.kind === 'dir') return void (await new Promise<void>((ok, ko) => p.entry({ ...base, type: 'directory', mode: e.mode }, (err) => (err ? ko(err) : ok()))));
  if (e.kind === 'symlink') return void (await new Promise<void>((ok, ko) => p.entry({ ...base, type: 'symlink', linkname: e.target, mode: 0o777 }, (err) => (err ? ko(err) : ok()))));
  if (e.kind === 'text') return void (await new Promise<void>((ok, ko) => p.entry({ ...base, type: 'file', mode: 0o644 }, e.text, (err) => (err ? ko(err) : ok()))));
  const sink = p.entry({ ...base, type: 'file', mode: e.stats.mode & 0o7777, size: e.stats.size });
  await pipeline(createReadStream(e.host), sink);
}

function tarOf(entries: readonly Entry[]): Readable {
  const p = pack();
  void (async () => {
    for (const e of entries) await writeEntry(p, e);
    p.finalize();
  })().catch((err: Error) => p.destroy(err));
  return p as unknown as Readable;
}


function cacheKey(entries: readonly Entry[]): string {
  const hash = createHash('sha256').update('executor-base v1\n');
  for (const e of entries) {
    const detail = e.kind === 'file' ? `${e.stats.size} ${e.stats.mode} ${e.stats.mtimeMs}` : e.kind === 'symlink' ? e.target : e.kind === 'dir' ? e.mode : e.text;
    hash.update(`${e.kind} ${e.name} ${detail}\n`);
  }
  return hash.digest('hex').slice(0, 32);
}

/** The system layer from the cache, or written (into the cache) now. */
async function systemLayer(): Promise<Layer> {
  const entries = collect();
  const dir = join(tmpdir(), 'tsbuild-test-cache');
  const base = join(dir, `executor-base-${cacheKey(entries)}`);
  const cached = await readFile(`${base}.json`, 'utf8').catch(() => undefined);
  if (cached !== undefined) {
    const info = JSON.parse(cached) as { digest: string; diffId: string; size: number };
    return layerFromFile(`${base}.tar.gz`, { digest: parseDigest(info.digest), diffId: parseDigest(info.diffId), size: info.size, mediaType: MediaType.ociLayerGzip });
  }
  await mkdir(dir, { recursive: true });
  const written = await writeLayer(tarOf(entries), { dir, mediaType: MediaType.ociLayerGzip, level: 1 });
  const info = { digest: await written.digest(), diffId: await written.diffId(), size: await written.size() };
  // writeLayer names the blob by its digest; give it the cache's name, then publish the index.
  await rename(join(dir, info.digest.slice('sha256:'.length)), `${base}.tar.gz`);
  await writeFile(`${base}.json.tmp`, JSON.stringify(info));
  await rename(`${base}.json.tmp`, `${base}.json`);
  return layerFromFile(`${base}.tar.gz`, { ...info, mediaType: MediaType.ociLayerGzip });
}

/** Builds the base image (its layer cached, see above) and pushes it to `host` as `repository:tag`. */
export async function pushExecutorBase(host: string, repository = 'base/node', tag = '20'): Promise<Digest> {
  const system = await systemLayer();
  const history = (created_by: string) => ({ created: MTIME.toISOString(), created_by });
  const image = withConfig(
    appendLayers(scratchImage('oci', DEFAULT_PLATFORM), [
      { layer: system, history: history('tsbuild test: node and Debian packages from the build host') },
    ]),
    (cfg) => ({
      ...cfg,
      created: MTIME.toISOString(),
      config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'NODE_VERSION=20'], Cmd: ['node'] },
    }),
  );
  const client = new RegistryClient({ policy: () => ({ insecure: true, skipTlsVerify: false }), credentials: anonymousCredentials(), logger: silentLogger() });
  try {
    return await pushImage(client, image, parseReference(`${host}/${repository}:${tag}`));
  } finally {
    client.close();
  }
}
