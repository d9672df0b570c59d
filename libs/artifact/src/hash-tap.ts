/**
 * A pass-through stage that hashes what flows through it: put it just before the sink, and the
 * SHA-256 and size recorded in the manifest are those of the bytes actually stored.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { LifeboatError } from '@lifeboat/errors';

export class HashTap extends Transform {
  readonly #hash: Hash = createHash('sha256');
  #digest?: string;
  #bytes = 0;

  /** Bytes that have passed so far. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Lowercase hex SHA-256 of everything that passed (as `sha256sum` prints it); only once the stream has ended. */
  digest(): string {
    if (this.#digest === undefined) {
      throw new LifeboatError('INTERNAL', 'HashTap.digest() was called before the stream ended');
    }
    return this.#digest;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.#hash.update(chunk);
    this.#bytes += chunk.length;
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    this.#digest = this.#hash.digest('hex');
    done();
  }
}

export function createHashTap(): HashTap {
  return new HashTap();
}
