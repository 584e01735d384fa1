/**
 * Adding one entry to a tar-stream pack with backpressure. tar-stream's entries are streamx
 * writables, which Node's `pipeline` does not fully understand, so the body is written here by
 * hand: `write() === false` waits for 'drain', and a failing source destroys the entry.
 */
import { once } from 'node:events';
import type { Pack } from 'tar-stream';

/** A tar entry header as tar-stream's `pack.entry` takes it. */
export type TarHeader = Parameters<Pack['entry']>[0];

/** Writes `header` and `body` (bytes or a stream) to `pack`; resolves when the entry is complete. */
export async function addTarEntry(
  pack: Pack,
  header: TarHeader,
  body: Uint8Array | AsyncIterable<Uint8Array>,
): Promise<void> {
  if (body instanceof Uint8Array) {
    await new Promise<void>((resolve, reject) => {
      pack.entry(header, Buffer.from(body.buffer, body.byteOffset, body.byteLength), (err) => (err ? reject(err) : resolve()));
    });
    return;
  }
  const { promise: finished, settle } = completion();
  const entry = pack.entry(header, settle);
  // tar-stream reports an entry's failure through the callback above; without a listener, the
  // streamx 'error' event of a destroyed entry would be an uncaught exception.
  entry.on('error', () => {});
  try {
    for await (const chunk of body) {
      if (!entry.write(chunk)) await once(entry, 'drain');
    }
    entry.end(null); // streamx's end() takes a final chunk; null adds none
  } catch (err) {
    entry.destroy(err as Error);
    // The pack reports the destroyed entry through the callback too; the source's error is the cause.
    await finished.catch(() => {});
    throw err;
  }
  await finished;
}

/** A promise and the node-style callback that settles it. */
function completion(): { promise: Promise<void>; settle: (err?: Error | null) => void } {
  let settle: (err?: Error | null) => void = () => {};
  const promise = new Promise<void>((resolve, reject) => {
    settle = (err) => (err ? reject(err) : resolve());
  });
  return { promise, settle };
}
