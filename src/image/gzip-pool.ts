/**
 * A small pool of worker threads, each turning one chunk into one complete gzip member
 * (`zlib.gzipSync`). gzip is the slowest stage of a build (MEASURED.md: ~25–32 MB/s on one
 * thread at level 6); chunks compressed side by side and concatenated in order are still one
 * valid gzip file.
 *
 * Workers start lazily, at most `threads` of them, and are `unref`ed whenever they have no job:
 * an idle pool never keeps the process alive, so the CLI needs no explicit close. While a job
 * runs its worker is `ref`ed, because the job's promise may be the only thing the process waits
 * on. As in snapshot/scan-worker.ts, the worker runs from source text (`eval: true`), so the same
 * code works from the compiled `dist/` and under the test runner (which runs `src/*.ts`).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { TsbuildError } from '../oci/index.js';

// Memory: a worker's own garbage is freed only when its V8 heap decides to collect, so the
// worker allocates as little as it can. The input goes back with the member for the caller to
// reuse; zlib writes the member into one output buffer (chunkSize above deflate's bound), which
// is transferred whole unless the member fills less than half of it (then it is copied out).
// The OS byte (offset 9) is set to 3 (unix) on every member: zlib writes its build's OS code,
// which differs on other platforms, and blob digests must not depend on where tsbuild ran.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { gzipSync } = require('node:zlib');
parentPort.on('message', ({ input, level }) => {
  let member = gzipSync(input, { level, chunkSize: input.byteLength + (input.byteLength >> 7) + 1024 });
  if (member.byteLength * 2 <= member.buffer.byteLength) member = new Uint8Array(member);
  member[9] = 3;
  parentPort.postMessage({ input, member }, [input.buffer, member.buffer]);
});
`;

/** Worker threads are a cost (~10 MiB each): beyond this many, compression no longer scales here. */
const MAX_THREADS = 8;

/** How many compression threads this machine gets: its available parallelism, within 1–8. */
export function defaultGzipThreads(): number {
  return Math.max(1, Math.min(MAX_THREADS, availableParallelism()));
}

/** `data` itself when it spans a whole ArrayBuffer, else a copy that does. */
function transferable(data: Buffer): Buffer<ArrayBuffer> {
  const { buffer } = data;
  if (buffer instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === buffer.byteLength) {
    return Buffer.from(buffer);
  }
  const copy = Buffer.allocUnsafeSlow(data.byteLength);
  data.copy(copy);
  return copy;
}

/** A compressed chunk, with the chunk's memory handed back for reuse. */
export interface GzipMember {
  /** One complete gzip member. */
  readonly member: Buffer;
  /** The input, now owned by the caller again. */
  readonly input: Buffer<ArrayBuffer>;
}

interface Job {
  /** Spans a whole (transferable) ArrayBuffer. */
  readonly input: Buffer<ArrayBuffer>;
  readonly level: number;
  readonly resolve: (done: GzipMember) => void;
  readonly reject: (err: Error) => void;
  /** Detaches the job's abort listener once the job leaves the queue. */
  release(): void;
}

interface Slot {
  readonly worker: Worker;
  job: Job | undefined;
}

/** Compresses chunks into gzip members on worker threads; see the file header. */
export class GzipPool {
  readonly threads: number;
  readonly #slots = new Set<Slot>();
  readonly #queue: Job[] = [];
  #closed = false;

  constructor(threads = defaultGzipThreads()) {
    this.threads = Math.max(1, Math.floor(threads));
  }

  /** Live worker threads (idle or busy). */
  get workers(): number {
    return this.#slots.size;
  }

  /** Jobs queued or running. */
  get pending(): number {
    return this.#queue.length + [...this.#slots].filter((s) => s.job !== undefined).length;
  }

  /**
   * One complete gzip member of `data`. When `data` spans a whole ArrayBuffer, that memory is
   * handed to the worker (transferred, not copied) and comes back as `input`; the caller must not
   * touch `data` meanwhile. Otherwise it is copied first. An aborted `signal` drops the job if it
   * has not started; a started chunk finishes (it is short) and its result is discarded.
   */
  compress(data: Buffer, level: number, signal?: AbortSignal): Promise<GzipMember> {
    if (this.#closed) return Promise.reject(new TsbuildError('TSB_INTERNAL', 'the gzip worker pool is closed'));
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    return new Promise<GzipMember>((resolve, reject) => {
      const onAbort = () => this.#drop(job, signal?.reason as Error);
      const job: Job = {
        input: transferable(data),
        level,
        resolve,
        reject,
        release: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#queue.push(job);
      this.#dispatch();
    });
  }

  /** Terminates every worker and fails queued and running jobs; the pool takes no new jobs. */
  async close(): Promise<void> {
    this.#closed = true;
    const closed = new TsbuildError('TSB_INTERNAL', 'the gzip worker pool was closed');
    for (const job of this.#queue.splice(0)) {
      job.release();
      job.reject(closed);
    }
    const slots = [...this.#slots];
    this.#slots.clear();
    for (const slot of slots) slot.job?.reject(closed);
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  #drop(job: Job, reason: Error): void {
    const at = this.#queue.indexOf(job);
    if (at < 0) return;
    this.#queue.splice(at, 1);
    job.release();
    job.reject(reason);
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      const slot = this.#idleSlot();
      if (!slot) return;
      const job = this.#queue.shift()!;
      job.release();
      slot.job = job;
      slot.worker.ref();
      const { input, level } = job;
      slot.worker.postMessage({ input, level }, [input.buffer]);
    }
  }

  #idleSlot(): Slot | undefined {
    for (const slot of this.#slots) if (!slot.job) return slot;
    if (this.#slots.size >= this.threads) return undefined;
    // No inherited flags: the source is CommonJS, and a parent run with `--input-type=module`
    // would otherwise make the worker parse it as an ES module.
    const slot: Slot = { worker: new Worker(WORKER_SOURCE, { eval: true, execArgv: [] }), job: undefined };
    slot.worker.on('message', (done: { input: Uint8Array<ArrayBuffer>; member: Uint8Array<ArrayBuffer> }) => {
      const { member, input } = done;
      this.#finish(slot, { member: Buffer.from(member.buffer, member.byteOffset, member.byteLength), input: Buffer.from(input.buffer) });
    });
    slot.worker.on('error', (err) => this.#lose(slot, err));
    slot.worker.on('exit', (code) => this.#lose(slot, new Error(`exited with code ${code}`)));
    this.#slots.add(slot);
    return slot;
  }

  #finish(slot: Slot, done: GzipMember): void {
    const job = slot.job;
    slot.job = undefined;
    slot.worker.unref();
    job?.resolve(done);
    this.#dispatch();
  }

  /** A worker died: its job fails, and a later job starts a fresh worker in its place. */
  #lose(slot: Slot, cause: Error): void {
    if (!this.#slots.delete(slot)) return;
    slot.job?.reject(new TsbuildError('TSB_INTERNAL', `a gzip worker failed: ${cause.message}`, { cause }));
    slot.job = undefined;
    if (!this.#closed) this.#dispatch();
  }
}

// Worker threads take tens of milliseconds to start, and a build writes many layers: one pool
// serves the whole process (its idle workers are unref'd, so it never holds the process open).
// This is the one module-level binding of image/, on purpose.
let shared: GzipPool | undefined;

/** The process-wide compression pool, created on first use. */
export function sharedGzipPool(): GzipPool {
  shared ??= new GzipPool();
  return shared;
}
