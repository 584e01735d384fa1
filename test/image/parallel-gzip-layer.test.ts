import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PLATFORM, MediaType } from '../../src/oci/index.js';
import { appendLayers, scratchImage, writeLayer, writeOciLayout } from '../../src/image/index.js';
import { GZIP_CHUNK_SIZE } from '../../src/image/parallel-gzip.js';
import { seededBytes, tarOf } from '../helpers/random-image.js';
import { tempDir } from '../helpers/temp-dir.js';
import { validateImage } from '../helpers/validate-image.js';

const MiB = 1024 * 1024;
const ROOT = resolve(import.meta.dirname, '../..');
const RANDOM = seededBytes('large-layer', MiB);
const TEXT = Buffer.alloc(MiB, 'drwxr-xr-x root/root usr/share/doc/example/copyright\n');

/** Block `i` of a large input: random and compressible 1 MiB blocks in turn, each distinct. */
function block(i: number): Buffer {
  const b = Buffer.from(i % 2 === 0 ? RANDOM : TEXT);
  b.writeUInt32BE(i, 100);
  return b;
}

/** `blocks` MiB produced on demand, never held whole. */
function generated(blocks: number): Readable {
  let i = 0;
  return new Readable({
    read() {
      this.push(i < blocks ? block(i++) : null);
    },
  });
}

describe('writeLayer with parallel gzip', () => {
  it('streams a 128 MiB layer with bounded RSS; digest, diffID and size match independent tools', async () => {
    await using dir = await tempDir();
    const blocks = 128;
    // Start the shared workers first: their fixed cost is not what this test bounds.
    await writeLayer(generated(2), { dir: dir.path, mediaType: MediaType.ociLayerGzip });
    const before = process.memoryUsage().rss;
    let peak = before;
    const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const layer = await writeLayer(generated(blocks), { dir: dir.path, mediaType: MediaType.ociLayerGzip }).finally(() =>
      clearInterval(sample),
    );
    // 128 MiB of input, half of it incompressible: holding it anywhere would pass this bound.
    expect(peak - before).toBeLessThan(96 * MiB);

    const path = join(dir.path, (await layer.digest()).slice('sha256:'.length));
    const tarHash = createHash('sha256');
    for (let i = 0; i < blocks; i++) tarHash.update(block(i));
    expect(await layer.diffId()).toBe(`sha256:${tarHash.digest('hex')}`);
    execFileSync('gzip', ['-t', path]);
    const gunzipped = execFileSync('sh', ['-c', 'gzip -dc "$1" | sha256sum', 'sh', path]).toString().split(' ')[0];
    expect(`sha256:${gunzipped}`).toBe(await layer.diffId());
    expect(execFileSync('sha256sum', [path]).toString().split(' ')[0]).toBe((await layer.digest()).slice(7));
    expect(await layer.size()).toBe(statSync(path).size);

    const again = await writeLayer(generated(blocks), { dir: dir.path, mediaType: MediaType.ociLayerGzip });
    expect(await again.digest()).toBe(await layer.digest());
  });

  it('writes an image whose multi-member layers skopeo inspects and umoci unpacks', async () => {
    await using dir = await tempDir();
    const big = seededBytes('big-file', 3 * MiB + 4321);
    const text = Buffer.from('line of text\n'.repeat(200_000));
    const layer = await writeLayer(
      tarOf([
        { name: 'opt/big.bin', content: big, mode: 0o755 },
        { name: 'opt/text.txt', content: text },
      ]),
      { dir: dir.path, mediaType: MediaType.ociLayerGzip },
    );
    expect(await layer.size()).toBeGreaterThan(3 * MiB); // several members
    const img = appendLayers(scratchImage('oci', DEFAULT_PLATFORM), [{ layer, history: { created_by: 'parallel gzip' } }]);
    await validateImage(img);
    const layout = join(dir.path, 'layout');
    await writeOciLayout(img, layout, 'v1');
    const inspected = JSON.parse(execFileSync('skopeo', ['inspect', `oci:${layout}:v1`]).toString()) as { Digest: string; Layers: string[] };
    expect(inspected.Digest).toBe(await img.digest());
    expect(inspected.Layers).toEqual([await layer.digest()]);
    const bundle = join(dir.path, 'bundle');
    execFileSync('umoci', ['unpack', '--rootless', '--image', `${layout}:v1`, bundle]);
    expect(readFileSync(join(bundle, 'rootfs/opt/big.bin')).equals(big)).toBe(true);
    expect(readFileSync(join(bundle, 'rootfs/opt/text.txt')).equals(text)).toBe(true);
  });

  it('works from the compiled dist/, and idle workers never keep the process alive', async () => {
    await using dir = await tempDir();
    const data = Buffer.concat([seededBytes('dist', 2 * MiB), Buffer.alloc(MiB, 'abc')]);
    const input = join(dir.path, 'input');
    writeFileSync(input, data);
    // A write that succeeds and one whose input fails, then nothing: the process must exit.
    const script = `
      import { createReadStream } from 'node:fs';
      import { Readable } from 'node:stream';
      import { writeLayer } from ${JSON.stringify(join(ROOT, 'dist/image/index.js'))};
      const [dir, input] = process.argv.slice(1);
      const opts = { dir, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' };
      const layer = await writeLayer(createReadStream(input), opts);
      const failing = new Readable({ read() { this.destroy(new Error('input failed')); } });
      const failed = await writeLayer(failing, opts).then(() => 'no error', (e) => e.message);
      process.stdout.write(JSON.stringify({ digest: await layer.digest(), failed }));
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script, dir.path, input], {
      timeout: 30_000,
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.signal).toBeNull();
    expect(run.status).toBe(0);
    const members = [0, 1, 2].map((i) => gzipSync(data.subarray(i * GZIP_CHUNK_SIZE, (i + 1) * GZIP_CHUNK_SIZE), { level: 6 }));
    const expected = `sha256:${createHash('sha256').update(Buffer.concat(members)).digest('hex')}`;
    expect(JSON.parse(run.stdout)).toEqual({ digest: expected, failed: 'input failed' });
  });

  it('refuses a level outside 0–9 before reading anything', async () => {
    await using dir = await tempDir();
    for (const level of [-1, 10, 2.5]) {
      await expect(writeLayer(generated(1), { dir: dir.path, mediaType: MediaType.ociLayerGzip, level })).rejects.toMatchObject({
        code: 'TSB_INTERNAL',
      });
    }
  });
});
