/** A tiny concurrency limiter: builds are subprocesses and the machine has two cores. */

/** Returns a runner under which at most `n` of the functions given to the returned runner are in flight at once. */
export function limitConcurrency(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (fn) => {
    if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}
