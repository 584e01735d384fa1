/**
 * Bounded concurrency for the cache's fan-outs (lookups of many keys, hashing many files): at
 * most `limit` calls in flight, results in input order. The first failure is thrown once every
 * started call has settled, so no work is left running behind the caller's back.
 */

/** `fn` over `items`, at most `limit` at a time; resolves to the results in input order. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { readonly error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure !== undefined) throw failure.error;
  return results;
}
