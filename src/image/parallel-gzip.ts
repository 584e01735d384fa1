/**
 * A gzip Transform that compresses on several threads: the input is cut into fixed-size chunks,
 * each becomes one complete gzip member on a `GzipPool` worker, and the members are written in
 * input order. Concatenated members are one valid gzip file (RFC 1952 §2.2; read by Go's
 * gzip reader, `gzip -d` and Node's gunzip).
 *
 * Determinism (DESIGN rule 6): chunk boundaries are fixed offsets of the input (not wherever the
 * input's own writes happened to end), the level is fixed, and each member has the same fixed
 * header, so the same bytes always give the same blob, however many threads the machine has.
 * Input of at most one chunk gives exactly the single-stream gzip of the input.
 *
 * Bounded memory (DESIGN rule 1): at most `inFlight` chunks are being compressed or waiting to be
 * written; the next input is accepted only when the oldest one has been pushed on.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { type GzipMember, type GzipPool, sharedGzipPool } from './gzip-pool.js';

/** The chunk size of new layers. Changing it changes every layer digest: it is part of the format. */
export const GZIP_CHUNK_SIZE = 1024 * 1024;

/** How a parallel gzip stream compresses. */
export interface ParallelGzipOptions {
  /** gzip level 0–9. */
  readonly level: number;
  /** Workers to run on; default the process-wide pool (`sharedGzipPool`). */
  readonly pool?: GzipPool;
  /** Uncompressed bytes per gzip member; default `GZIP_CHUNK_SIZE`. */
  readonly chunkSize?: number;
  /** Chunks compressing or awaiting output at once; default two per thread of the pool. */
  readonly inFlight?: number;
}

interface Member {
  readonly result: Promise<GzipMember>;
  settled: boolean;
}

class ParallelGzip extends Transform {
  readonly #pool: GzipPool;
  readonly #level: number;
  readonly #chunkSize: number;
  readonly #inFlight: number;
  readonly #abort = new AbortController();
  readonly #members: Member[] = [];
  /** Chunk buffers back from the workers, reused so input memory is not reallocated per chunk. */
  readonly #spare: Buffer<ArrayBuffer>[] = [];
  #chunk: Buffer | undefined;
  #filled = 0;
  #submitted = 0;

  constructor(opts: ParallelGzipOptions) {
    super();
    this.#pool = opts.pool ?? sharedGzipPool();
    this.#level = opts.level;
    this.#chunkSize = opts.chunkSize ?? GZIP_CHUNK_SIZE;
    this.#inFlight = Math.max(1, opts.inFlight ?? 2 * this.#pool.threads);
  }

  override _transform(data: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.#accept(data).then(() => done(), done);
  }

  override _flush(done: TransformCallback): void {
    // Empty input still gets one (empty) member: a zero-byte file is not valid gzip.
    if (this.#filled > 0 || this.#submitted === 0) this.#submit(this.#chunk?.subarray(0, this.#filled) ?? Buffer.alloc(0));
    this.#emit(0).then(() => done(), done);
  }

  override _destroy(err: Error | null, done: (err: Error | null) => void): void {
    // Queued chunks of this stream are dropped from the pool; a running one finishes unread.
    this.#abort.abort(err ?? new Error('gzip stream destroyed'));
    done(err);
  }

  async #accept(data: Buffer): Promise<void> {
    for (let offset = 0; offset < data.length; ) {
      // A whole ArrayBuffer per chunk: it is transferred to the worker, never copied.
      this.#chunk ??= this.#spare.pop() ?? Buffer.allocUnsafeSlow(this.#chunkSize);
      const copied = data.copy(this.#chunk, this.#filled, offset);
      this.#filled += copied;
      offset += copied;
      if (this.#filled === this.#chunkSize) {
        this.#submit(this.#chunk);
        this.#chunk = undefined;
        this.#filled = 0;
        await this.#emit(this.#inFlight - 1);
      }
    }
  }

  #submit(chunk: Buffer): void {
    const result = this.#pool.compress(chunk, this.#level, this.#abort.signal);
    const member: Member = { result, settled: false };
    // Marks completion for `#emit`; a failure is reported when its member's turn comes.
    result.then(
      ({ input }) => {
        member.settled = true;
        if (input.length === this.#chunkSize) this.#spare.push(input);
      },
      () => (member.settled = true),
    );
    this.#members.push(member);
    this.#submitted++;
  }

  /** Pushes finished members in order, waiting until at most `keep` remain unwritten. */
  async #emit(keep: number): Promise<void> {
    while (this.#members.length > 0 && (this.#members.length > keep || this.#members[0]!.settled)) {
      const { member } = await this.#members[0]!.result;
      this.#members.shift();
      this.push(member);
    }
  }
}

/** A Transform from bytes to a multi-member gzip of them, compressed on worker threads. */
export function parallelGzip(opts: ParallelGzipOptions): Transform {
  return new ParallelGzip(opts);
}
