/**
 * Lazy values computed at most once (ggcr's `compute()`): the first call starts the work and
 * every later call shares its Promise, so an Image's manifest is serialized once and every
 * reader sees the same bytes.
 */

/** Memoizes an async computation; a rejection is memoized too, like the value it replaces. */
export function once<T>(compute: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => (result ??= compute());
}
