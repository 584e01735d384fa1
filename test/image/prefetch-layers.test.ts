import { describe, expect, it } from 'vitest';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { prefetchLayers } from '../../src/image/index.js';
import type { Layer } from '../../src/image/types.js';
import { memoryLayer, type MemoryLayer } from '../helpers/memory-layer.js';
import { tempDir } from '../helpers/temp-dir.js';

const ORIGIN = { registry: 'registry.test', repository: 'base' };

/** A layer that records when it was opened, optionally with a stream the test controls. */
function watched(layer: MemoryLayer, opened: number[], index: number, stream?: () => Readable): Layer {
  return {
    ...layer,
    open: async () => {
      opened.push(index);
      return stream ? stream() : layer.open();
    },
  };
}

async function layers(n: number, origin = true): Promise<MemoryLayer[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => memoryLayer({ [`f${i}`]: `layer ${i}\n`.repeat(1000) }, origin ? { origin: ORIGIN } : {})));
}

describe('prefetchLayers', () => {
  it('yields every layer in order with its bytes, downloading `ahead` layers while the current one is consumed', async () => {
    await using dir = await tempDir();
    const source = await layers(5);
    const opened: number[] = [];
    const seen: Buffer[] = [];
    const openedWhileConsuming: number[][] = [];
    for await (const layer of prefetchLayers(source.map((l, i) => watched(l, opened, i)), { dir: dir.path, ahead: 2 })) {
      openedWhileConsuming.push([...opened]);
      seen.push(await buffer(await layer.open()));
    }
    expect(seen).toEqual(source.map((l) => l.blob));
    // Reaching layer 0, 1 and 2 are already downloading; 3 starts only when 1 is reached (after
    // the consumer opened layer 0 itself, streamed rather than spooled).
    expect(openedWhileConsuming[0]).toEqual([1, 2]);
    expect(openedWhileConsuming[1]).toEqual([1, 2, 0, 3]);
    expect(await readdir(dir.path)).toEqual([]);
  });

  it('reads local layers (no origin) in place and never spools them', async () => {
    await using dir = await tempDir();
    const opened: number[] = [];
    const source = (await layers(3, false)).map((l, i) => watched(l, opened, i));
    const yielded: Layer[] = [];
    for await (const layer of prefetchLayers(source, { dir: dir.path, ahead: 2 })) yielded.push(layer);
    expect(yielded).toEqual(source);
    expect(opened).toEqual([]);
  });

  it('cancels downloads in flight and removes their files when the consumer stops early', async () => {
    await using dir = await tempDir();
    const source = await layers(3);
    const slow = new PassThrough();
    slow.write(Buffer.alloc(1024));
    const layer2 = watched(source[2]!, [], 2, () => slow);
    const spoolDir = join(dir.path, 'spool');
    for await (const layer of prefetchLayers([source[0]!, source[1]!, layer2], { dir: spoolDir, ahead: 2 })) {
      if (layer === source[0]) continue;
      break; // at layer 1, while layer 2 is still downloading
    }
    expect(slow.destroyed).toBe(true);
    expect(await readdir(spoolDir)).toEqual([]);
  });

  it('gives a spooled layer whose bytes do not match its digest as a digest error when it is read', async () => {
    await using dir = await tempDir();
    const [first, second] = await layers(2);
    const other = await memoryLayer({ other: 'not the declared bytes' });
    const corrupt: Layer = { ...second!, open: () => other.open() };
    const reads: Promise<Buffer>[] = [];
    for await (const layer of prefetchLayers([first!, corrupt], { dir: dir.path, ahead: 1 })) {
      const read = layer.open().then(buffer);
      read.catch(() => {});
      reads.push(read);
      await read.catch(() => {});
    }
    await expect(reads[0]).resolves.toEqual(first!.blob);
    await expect(reads[1]).rejects.toMatchObject({ code: 'TSB_DIGEST_MISMATCH' });
  });

  it('reports a failed download when the consumer reaches that layer, not before', async () => {
    await using dir = await tempDir();
    const [first, second] = await layers(2);
    const failing: Layer = { ...second!, open: () => Promise.reject(new Error('connection reset')) };
    const consumed: Layer[] = [];
    const run = async () => {
      for await (const layer of prefetchLayers([first!, failing], { dir: dir.path, ahead: 1 })) consumed.push(layer);
    };
    await expect(run()).rejects.toThrow('connection reset');
    expect(consumed).toEqual([first]);
  });
});
