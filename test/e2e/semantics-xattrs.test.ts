/**
 * `security.capability` end to end: a base image whose layer gives a file a binary capability
 * (bytes ≥ 0x80) is extracted with the capability intact, a RUN that changes the file carries
 * it into the new layer, and COPY --from keeps it; umoci's unpack of the pushed image shows it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import { appendLayers, pushImage, writeLayer } from '../../src/image/index.js';
import { MediaType, parseReference } from '../../src/oci/index.js';
import { anonymousCredentials, RegistryClient } from '../../src/registry/index.js';
import { silentLogger } from '../../src/log/index.js';
import { busyboxImage } from '../helpers/busybox-image.js';
import { E2eHarness } from '../build/e2e-harness.js';

const CAPABILITY = Buffer.from('01000002ffffffffffffffff0000000000000000', 'hex');

let h: E2eHarness;
let capBase: string;

/** A one-file layer whose PAX header carries the binary capability (patched in after packing). */
async function capLayerTar(): Promise<Readable> {
  const p = pack();
  const placeholder = 'P'.repeat(CAPABILITY.length);
  p.entry({ name: 'bin/capped', mode: 0o755, uid: 0, gid: 0, mtime: new Date(0), pax: { 'SCHILY.xattr.security.capability': placeholder } }, '#!/bin/sh\necho capped\n');
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of p) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  CAPABILITY.copy(raw, raw.indexOf(placeholder));
  return Readable.from([raw]);
}

beforeAll(async () => {
  h = await E2eHarness.start();
  const layer = await writeLayer(await capLayerTar(), { dir: h.work.path, mediaType: MediaType.ociLayerGzip });
  const image = appendLayers(await busyboxImage(h.work.path), [{ layer, history: { created_by: 'capability layer' } }]);
  const client = new RegistryClient({ policy: () => ({ insecure: true, skipTlsVerify: false }), credentials: anonymousCredentials(), logger: silentLogger() });
  capBase = `${h.registry.host}/base/capped:latest`;
  await pushImage(client, image, parseReference(capBase));
});
afterAll(async () => h?.stop());

function capabilityOf(path: string): string {
  return execFileSync('getfattr', ['-h', '-n', 'security.capability', '-e', 'hex', '--absolute-names', path], { encoding: 'utf8' }).split('\n')[1] ?? '';
}

describe('extended attributes (e2e)', () => {
  it('keeps a binary security.capability through extraction, RUN layers and COPY --from', async () => {
    const { run, rootfs } = await h.build({
      Dockerfile: `FROM ${capBase} AS capped\nRUN chmod 0750 /bin/capped\nFROM ${capBase}\nCOPY --from=capped /bin/capped /copied\nRUN chmod 0700 /bin/capped\n`,
    });
    expect(run.code, run.stderr).toBe(0);
    const expected = `security.capability=0x${CAPABILITY.toString('hex')}`;
    expect(capabilityOf(join(rootfs, 'copied'))).toBe(expected);
    expect(capabilityOf(join(rootfs, 'bin/capped'))).toBe(expected);
  });
});
