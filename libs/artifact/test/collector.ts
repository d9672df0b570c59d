/** A sink for tests that keeps what reaches it, and a pipeline that ends in one. */
import { Readable, Writable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export class Collector extends Writable {
  readonly chunks: Buffer[] = [];

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.chunks.push(chunk);
    done();
  }

  /** Everything received so far, also when the pipeline failed. */
  received(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** Pipes `input` through `stages` and resolves with all the output. */
export async function collect(input: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>, ...stages: Transform[]): Promise<Buffer> {
  const sink = new Collector();
  const source = input instanceof Uint8Array ? Readable.from([input]) : Readable.from(input);
  await pipeline([source, ...stages, sink]);
  return sink.received();
}
