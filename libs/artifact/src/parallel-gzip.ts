/**
 * Parallel gzip for artifacts, in the manner of pigz: the input is cut into fixed-size blocks,
 * each block is compressed into an independent gzip member by a pool of worker threads, and the
 * members are written in input order. The output is a multi-member gzip file, which `gunzip`,
 * `zcat`, pigz and Node's gunzip all read back as one stream.
 *
 * Memory is bounded by the blocks in flight (a small multiple of the worker count), whatever the
 * input's size. Backpressure holds both ways: a write completes only when a block slot is free,
 * and blocks are only dispatched while the reader keeps up.
 */
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { createGunzip, createGzip, gzipSync } from 'node:zlib';
import { LifeboatError, messageOf } from '@lifeboat/errors';
import type { BlockRequest, GzipWorkerData, MemberReply, WorkerRequest } from './gzip-worker';

/**
 * Measured on 2 cores with dump-like text: 256 KiB to 4 MiB blocks all run at the same speed (the
 * workers are CPU bound); 1 MiB keeps memory small and loses 0.1 % of ratio against 4 MiB.
 */
const DEFAULT_BLOCK_SIZE = 1024 * 1024;
const DEFAULT_LEVEL = 9;
const MIN_BLOCK_SIZE = 1024;
const MAX_BLOCK_SIZE = 64 * 1024 * 1024;
/**
 * Blocks in flight per worker: one being compressed and one queued, so a worker never waits for
 * the main thread (1 measured slower, 3 no faster). This, times the block size, is the memory bound.
 */
const IN_FLIGHT_PER_WORKER = 2;
const WORKER_SCRIPT = join(__dirname, 'gzip-worker.js');

export interface CompressOptions {
  /** gzip level, 1 (fastest) to 9 (smallest, the default). */
  level?: number;
  /** Input bytes per gzip member, 1 KiB to 64 MiB; default 1 MiB. */
  blockSize?: number;
  /** Worker threads; default: the machine's available parallelism; 0: zlib's own asynchronous stream, without worker threads. */
  workers?: number;
}

interface PoolWorker {
  thread: Worker;
  /** Blocks sent to this worker and not yet answered. */
  busy: number;
}

class ParallelGzip extends Transform {
  readonly #level: number;
  readonly #blockSize: number;
  readonly #workerCount: number;
  readonly #maxInFlight: number;
  #workers: PoolWorker[] = [];
  /** Block buffers handed back by the workers, for reuse. */
  #spare: ArrayBuffer[] = [];
  #block?: Buffer;
  #filled = 0;
  #nextId = 0;
  #nextOut = 0;
  /** Members that arrived ahead of an earlier one, waiting for their turn. */
  #ready = new Map<number, Buffer>();
  /** Continues a write that stopped because too many blocks were in flight or the reader lagged. */
  #resume?: () => void;
  #flushDone?: TransformCallback;

  constructor(level: number, blockSize: number, workerCount: number) {
    super({ readableHighWaterMark: blockSize });
    this.#level = level;
    this.#blockSize = blockSize;
    this.#workerCount = workerCount;
    this.#maxInFlight = workerCount * IN_FLIGHT_PER_WORKER;
  }

  get #inFlight(): number {
    return this.#nextId - this.#nextOut;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.#feed(chunk, 0, done);
  }

  override _read(size: number): void {
    super._read(size);
    this.#maybeResume();
  }

  override _flush(done: TransformCallback): void {
    if (this.#filled > 0) this.#dispatch();
    if (this.#nextId === 0) {
      // Empty input still gives a valid gzip file (one empty member): gunzip rejects zero bytes.
      this.push(gzipSync(Buffer.alloc(0), { level: this.#level }));
      done();
      return;
    }
    this.#flushDone = done;
    this.#maybeFinish();
  }

  override _destroy(err: Error | null, done: (error?: Error | null) => void): void {
    this.#resume = undefined;
    this.#ready.clear();
    this.#stopWorkers().then(
      () => done(err),
      () => done(err),
    );
  }

  #feed(chunk: Buffer, from: number, done: TransformCallback): void {
    let at = from;
    while (at < chunk.length) {
      this.#block ??= this.#newBlock();
      const n = Math.min(chunk.length - at, this.#blockSize - this.#filled);
      chunk.copy(this.#block, this.#filled, at, at + n);
      this.#filled += n;
      at += n;
      if (this.#filled === this.#blockSize) {
        this.#dispatch();
        if (!this.#canDispatch()) {
          this.#resume = () => this.#feed(chunk, at, done);
          return;
        }
      }
    }
    done();
  }

  #canDispatch(): boolean {
    return this.#inFlight < this.#maxInFlight && this.readableLength < this.readableHighWaterMark;
  }

  #maybeResume(): void {
    if (this.#resume === undefined || !this.#canDispatch()) return;
    const resume = this.#resume;
    this.#resume = undefined;
    resume();
  }

  #newBlock(): Buffer {
    const spare = this.#spare.pop();
    return spare === undefined ? Buffer.allocUnsafeSlow(this.#blockSize) : Buffer.from(spare);
  }

  #dispatch(): void {
    const block = this.#block;
    if (block === undefined) return;
    const length = this.#filled;
    this.#block = undefined;
    this.#filled = 0;
    if (this.#workers.length === 0) this.#startWorkers();
    const worker = this.#workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    if (worker.busy++ === 0) worker.thread.ref();
    const request: BlockRequest = { id: this.#nextId++, block: block.buffer as ArrayBuffer, length };
    worker.thread.postMessage(request, [request.block]);
  }

  #startWorkers(): void {
    const workerData: GzipWorkerData = { level: this.#level };
    for (let i = 0; i < this.#workerCount; i++) {
      const worker: PoolWorker = { thread: new Worker(WORKER_SCRIPT, { workerData }), busy: 0 };
      // An idle worker must not keep the process alive; it is referenced while it holds a block.
      worker.thread.unref();
      worker.thread.on('message', (reply: MemberReply) => this.#onMember(worker, reply));
      worker.thread.on('error', (err) => this.#fail(worker, `failed: ${messageOf(err)}`, err));
      worker.thread.on('messageerror', (err) => this.#fail(worker, `sent an unreadable message: ${messageOf(err)}`, err));
      worker.thread.on('exit', (code) => this.#fail(worker, `exited unexpectedly with code ${code}`));
      this.#workers.push(worker);
    }
  }

  #onMember(worker: PoolWorker, { id, member, offset, length, block }: MemberReply): void {
    if (this.destroyed) return;
    if (--worker.busy === 0) worker.thread.unref();
    if (this.#spare.length < this.#maxInFlight) this.#spare.push(block);
    this.#ready.set(id, Buffer.from(member, offset, length));
    for (let next = this.#ready.get(this.#nextOut); next !== undefined; next = this.#ready.get(this.#nextOut)) {
      this.#ready.delete(this.#nextOut++);
      this.push(next);
    }
    this.#maybeResume();
    this.#maybeFinish();
  }

  #maybeFinish(): void {
    const done = this.#flushDone;
    if (done === undefined || this.#inFlight > 0) return;
    this.#flushDone = undefined;
    // The stream ends only once its threads are gone, so nothing outlives a finished pipeline.
    this.#stopWorkers().then(() => done(), done);
  }

  /** A worker that errs or exits on its own fails the stream; workers being stopped do not. */
  #fail(worker: PoolWorker, what: string, cause?: unknown): void {
    if (!this.#workers.includes(worker)) return;
    this.destroy(new LifeboatError('INTERNAL', `a parallel gzip worker ${what}`, { cause }));
  }

  /** Asks every worker to exit once its blocks are done (see gzip-worker.ts: not terminate()), and waits for them. */
  async #stopWorkers(): Promise<void> {
    const workers = this.#workers;
    this.#workers = [];
    await Promise.all(
      workers.map(async ({ thread }) => {
        if (thread.threadId < 0) return; // exited already
        const exited = once(thread, 'exit');
        // Referenced until it is gone: the stream's end waits for it.
        thread.ref();
        thread.postMessage({ stop: true } satisfies WorkerRequest);
        await exited;
      }),
    );
  }
}

function checkInteger(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new LifeboatError('BAD_USER_INPUT', `${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}

/**
 * A Transform from bytes to a multi-member gzip file, compressed in parallel by worker threads
 * that exist only while the stream does: they exit when it ends or is destroyed (before `end`
 * and `close` are emitted). Worker failures fail the stream with INTERNAL.
 * `workers: 0` compresses with zlib's own asynchronous stream instead (libuv's thread pool; one gzip member): for many small
 * artifacts made side by side, such as per-tenant exports, where starting threads would cost more
 * than it saves.
 */
export function createCompressStream(options: CompressOptions = {}): Transform {
  const level = checkInteger('level', options.level ?? DEFAULT_LEVEL, 1, 9);
  if (options.workers === 0) return createGzip({ level, chunkSize: 64 * 1024 });
  return new ParallelGzip(
    level,
    checkInteger('blockSize', options.blockSize ?? DEFAULT_BLOCK_SIZE, MIN_BLOCK_SIZE, MAX_BLOCK_SIZE),
    checkInteger('workers', options.workers ?? availableParallelism(), 1, 256),
  );
}

/**
 * A Transform from a gzip file, single or multi-member (as createCompressStream writes), to its
 * bytes, in pieces of 256 KiB: larger pieces cost less CPU per byte (a restore decompresses
 * gigabytes at once).
 */
export function createDecompressStream(): Transform {
  return createGunzip({ chunkSize: 256 * 1024 });
}
