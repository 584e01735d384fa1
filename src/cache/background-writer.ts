/**
 * Cache writes off the build's critical path: `save` queues an entry and returns at once, a few
 * saves run concurrently while the build goes on, and every failure becomes a warning (a cache
 * that cannot be written must never fail a build). The build awaits `drain` before it exits and
 * before its work dir (where the layer files live) is removed; `drain` waits a bounded time and
 * says what it gave up on.
 */
import type { Layer } from '../image/index.js';
import type { Logger } from '../log/index.js';
import type { CacheKey } from './keys.js';
import type { LayerCache, SaveMeta } from './store.js';

/** What became of the saves by the time `drain` returned. */
export interface DrainResult {
  readonly saved: number;
  readonly failed: number;
  /** Still queued or running when the wait ran out. */
  readonly abandoned: number;
}

interface Job {
  readonly key: CacheKey;
  readonly layer: Layer | null;
  readonly meta: SaveMeta;
}

/** Queues saves to one cache and runs them in the background. */
export class BackgroundWriter {
  private readonly queue: Job[] = [];
  private running = 0;
  private saved = 0;
  private failed = 0;
  private closed = false;
  private idle: (() => void)[] = [];

  constructor(
    private readonly cache: LayerCache,
    private readonly logger: Logger,
    private readonly concurrency = 2,
  ) {}

  /** Queues a save; never throws and never waits. Ignored once `drain` gave up. */
  save(key: CacheKey, layer: Layer | null, meta: SaveMeta): void {
    if (this.closed) return;
    this.queue.push({ key, layer, meta });
    this.pump();
  }

  /** Waits for every queued save, at most `timeoutMs`; what is left then is abandoned. */
  async drain(timeoutMs: number): Promise<DrainResult> {
    let timer: NodeJS.Timeout | undefined;
    const finished = this.pending() === 0 || (await Promise.race([
      new Promise<boolean>((resolve) => this.idle.push(() => resolve(true))),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]));
    clearTimeout(timer);
    const abandoned = finished ? 0 : this.pending();
    if (!finished) {
      this.closed = true;
      this.queue.length = 0;
      this.logger.warn({ cache: this.cache.description, abandoned, timeoutMs }, 'cache writes did not finish in time and were abandoned');
    }
    return { saved: this.saved, failed: this.failed, abandoned };
  }

  private pending(): number {
    return this.queue.length + this.running;
  }

  private pump(): void {
    while (this.running < this.concurrency && this.queue.length > 0) {
      const job = this.queue.shift() as Job;
      this.running++;
      void this.run(job).finally(() => {
        this.running--;
        this.pump();
        if (this.pending() === 0) for (const wake of this.idle.splice(0)) wake();
      });
    }
  }

  private async run(job: Job): Promise<void> {
    const started = Date.now();
    try {
      await this.cache.save(job.key, job.layer, job.meta);
      this.saved++;
      this.logger.debug({ cache: this.cache.description, key: job.key, ms: Date.now() - started }, 'cache entry saved');
    } catch (err) {
      this.failed++;
      this.logger.warn({ cache: this.cache.description, key: job.key, err: err instanceof Error ? err.message : String(err) }, 'cache write failed; the build goes on without it');
    }
  }
}
