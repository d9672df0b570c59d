/**
 * Worker thread of the parallel gzip pool (parallel-gzip.ts): compresses each block it is sent
 * into one complete gzip member, and sends the member back with the block's buffer for reuse,
 * both transferred rather than copied. A failure is an uncaught exception: the pool sees the
 * worker's `error` event and fails the stream. Told to stop, it closes its port once the blocks
 * sent before are done, and exits: terminating a worker in the middle of gzipSync can abort the
 * whole process in Node 20 ("close before init" in node_zlib.cc, seen in a test run).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';

export interface GzipWorkerData {
  level: number;
}

export interface BlockRequest {
  id: number;
  block: ArrayBuffer;
  /** Bytes of `block` to compress, from its start. */
  length: number;
}

/** What the pool sends: a block to compress, or the request to exit. */
export type WorkerRequest = BlockRequest | { stop: true };

export interface MemberReply {
  id: number;
  /** The member is `length` bytes of this buffer from `offset`. */
  member: ArrayBuffer;
  offset: number;
  length: number;
  /** The request's block, handed back so the pool can refill it. */
  block: ArrayBuffer;
}

const port = parentPort;
if (port === null) throw new Error('gzip-worker runs as a worker thread of the parallel gzip pool only');
const { level } = workerData as GzipWorkerData;

port.on('message', (request: WorkerRequest) => {
  if ('stop' in request) {
    port.close();
    return;
  }
  const { id, block, length } = request;
  // An output buffer larger than any member (zlib's deflate bound is below length + 1/8 + 1 KiB)
  // makes zlib write one buffer, which is transferred whole: the worker keeps no garbage.
  const out = gzipSync(new Uint8Array(block, 0, length), { level, chunkSize: length + (length >> 3) + 1024 });
  const reply: MemberReply = { id, member: out.buffer as ArrayBuffer, offset: out.byteOffset, length: out.byteLength, block };
  port.postMessage(reply, [reply.member, block]);
});
