import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MediaType, DEFAULT_PLATFORM } from '../../src/oci/index.js';
import { appendLayers, openUncompressed, scratchImage, writeDockerTar, writeLayer, writeOciLayout } from '../../src/image/index.js';
import { tempDir } from '../helpers/temp-dir.js';

const MiB = 1024 * 1024;

/** `total` bytes of a repeating non-zero pattern, produced on demand (never held whole). */
function generated(total: number): Readable {
  const chunk = Buffer.alloc(MiB, 'tsbuild-layer-bytes ');
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      sent += chunk.length;
      this.push(chunk);
    },
  });
}

describe('bounded memory (DESIGN rule 1)', () => {
  it('writes, reads back and exports a 256 MiB layer without holding it in memory', async () => {
    await using dir = await tempDir();
    const size = 256 * MiB;
    const before = process.memoryUsage().rss;
    let peak = before;
    const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    try {
      const layer = await writeLayer(generated(size), { dir: dir.path, mediaType: MediaType.ociLayerGzip, level: 1 });
      let seen = 0;
      for await (const chunk of await openUncompressed(layer)) seen += (chunk as Buffer).length;
      expect(seen).toBe(size);
      const img = appendLayers(scratchImage('oci', DEFAULT_PLATFORM), [{ layer, history: { created_by: 'big' } }]);
      await writeDockerTar(img, join(dir.path, 'big.tar'), ['big:1']);
      await writeOciLayout(img, join(dir.path, 'layout'), 'big');
      expect(statSync(join(dir.path, 'big.tar')).size).toBeGreaterThan(await layer.size());
    } finally {
      clearInterval(sample);
    }
    // The data is 256 MiB; buffering it anywhere would push the RSS far past this bound.
    expect(peak - before).toBeLessThan(96 * MiB);
  });
});
