/**
 * A small real base image for tests, made offline from Debian's busybox-static: a shell and the
 * usual tools, /etc/passwd and /etc/group with a non-root user, and a few files the fixtures
 * delete or change. Built with production code (writeLayer, scratchImage, appendLayers) and
 * pushed with the production registry client.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pack, type Header } from 'tar-stream';
import { appendLayers, pushImage, scratchImage, withConfig, writeLayer, type Image } from '../../src/image/index.js';
import { DEFAULT_PLATFORM, MediaType, parseReference, type Digest } from '../../src/oci/index.js';
import { anonymousCredentials, RegistryClient } from '../../src/registry/index.js';
import { silentLogger } from '../../src/log/index.js';

const BUSYBOX = '/bin/busybox';
const MTIME = new Date('2024-01-01T00:00:00Z');

export const PASSWD = 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app user:/home/app:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n';
export const GROUP = 'root:x:0:\nwheel:x:10:app\napp:x:1000:\naudio:x:29:app\nnogroup:x:65534:\n';

type Entry = Partial<Header> & Pick<Header, 'name'> & { content?: Buffer };

function entries(): Entry[] {
  const dir = (name: string, mode = 0o755, uid = 0, gid = 0): Entry => ({ name, type: 'directory', mode, uid, gid, mtime: MTIME });
  const file = (name: string, content: string | Buffer, mode = 0o644, uid = 0, gid = 0): Entry => ({
    name, type: 'file', mode, uid, gid, mtime: MTIME, content: Buffer.from(content),
  });
  const applets = execFileSync(BUSYBOX, ['--list'], { encoding: 'utf8' }).split('\n').filter((a) => a && a !== 'busybox' && !a.includes('/'));
  return [
    dir('bin'),
    file('bin/busybox', readFileSync(BUSYBOX), 0o755),
    ...applets.map((a): Entry => ({ name: `bin/${a}`, type: 'symlink', linkname: 'busybox', mode: 0o777, uid: 0, gid: 0, mtime: MTIME })),
    dir('etc'),
    file('etc/passwd', PASSWD),
    file('etc/group', GROUP),
    dir('home'),
    dir('home/app', 0o755, 1000, 1000),
    dir('root', 0o700),
    dir('tmp', 0o1777),
    dir('base'),
    file('base/keep.txt', 'keep\n'),
    file('base/change.txt', 'original\n'),
    file('base/remove.txt', 'remove me\n'),
    dir('base/remove-dir'),
    file('base/remove-dir/inner.txt', 'inner\n'),
  ];
}

function tarOf(list: Entry[]): Readable {
  const p = pack();
  void (async () => {
    for (const { content, ...header } of list) {
      await new Promise<void>((resolve, reject) => p.entry({ ...header, size: content?.length ?? 0 }, content ?? Buffer.alloc(0), (e) => (e ? reject(e) : resolve())));
    }
    p.finalize();
  })().catch((err: Error) => p.destroy(err));
  return p as unknown as Readable;
}

/** The busybox base image, its one layer written into `dir`. */
export async function busyboxImage(dir: string): Promise<Image> {
  const layer = await writeLayer(tarOf(entries()), { dir, mediaType: MediaType.ociLayerGzip });
  const withLayer = appendLayers(scratchImage('oci', DEFAULT_PLATFORM), [
    { layer, history: { created: MTIME.toISOString(), created_by: 'tsbuild test: busybox-static rootfs' } },
  ]);
  return withConfig(withLayer, (cfg) => ({
    ...cfg,
    created: MTIME.toISOString(),
    config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['sh'] },
  }));
}

/** Pushes the busybox base image to `host` as `repository:tag` and returns the manifest digest. */
export async function pushBusybox(host: string, dir: string, repository = 'base/busybox', tag = 'latest'): Promise<Digest> {
  const client = new RegistryClient({
    policy: () => ({ insecure: true, skipTlsVerify: false }),
    credentials: anonymousCredentials(),
    logger: silentLogger(),
  });
  return pushImage(client, await busyboxImage(dir), parseReference(`${host}/${repository}:${tag}`));
}
