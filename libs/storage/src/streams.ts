/**
 * The streams the drivers handle: the body a save consumes (opened, counted, checked against its
 * declared length, abortable) and the stream a load returns (errors classified for the location).
 */
import { Readable } from 'node:stream';
import { LifeboatError } from '@lifeboat/errors';
import { validateKey } from './keys';
import { type SaveBody, type SaveOptions } from './storage';

/** The caller's body for one save attempt. Drivers read `stream`; `failure` tells the caller's
 *  own errors (which are rethrown as they are) from the location's (which drivers classify). */
export class SaveSource {
  readonly stream: Readable;
  /** The error raised by the body itself: its stream failed, the save was aborted, or its length
   *  differs from `contentLength`. Undefined while the body behaves. */
  failure: unknown;
  #sizeBytes = 0;

  private constructor(
    private readonly source: Readable,
    private readonly location: string,
    private readonly key: string,
    private readonly expectedBytes: number | undefined,
  ) {
    this.stream = Readable.from(this.measure(), { objectMode: false });
  }

  /** Checks the key and options, then opens the body (calling it if it is a factory; a factory that
   *  throws rejects as it is). A plain Readable refused here is destroyed: the save owns it. */
  static async open(location: string, key: string, body: SaveBody, options: SaveOptions = {}): Promise<SaveSource> {
    const { contentLength, signal } = options;
    try {
      validateKey(location, key);
      if (contentLength !== undefined && !(Number.isSafeInteger(contentLength) && contentLength >= 0)) {
        throw new LifeboatError('BAD_USER_INPUT', `location ${location}: contentLength must be a non-negative integer, got ${contentLength}`);
      }
      signal?.throwIfAborted();
    } catch (err) {
      if (typeof body !== 'function') body.destroy();
      throw err;
    }
    const source = typeof body === 'function' ? await body() : body;
    // Errors reach the drivers through `stream`; this listener only keeps an error emitted before
    // anything reads (an abort right after opening) from crashing the process.
    source.on('error', () => undefined);
    const opened = new SaveSource(source, location, key, contentLength);
    if (signal) {
      const abort = (): void => void source.destroy(signal.reason as Error);
      signal.addEventListener('abort', abort, { once: true });
      opened.stream.once('close', () => signal.removeEventListener('abort', abort));
    }
    return opened;
  }

  get sizeBytes(): number {
    return this.#sizeBytes;
  }

  /** Releases the caller's stream; drivers call it when a save fails. */
  destroy(): void {
    this.stream.destroy();
    this.source.destroy();
  }

  private async *measure(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of this.source as AsyncIterable<Buffer | string>) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        this.#sizeBytes += bytes.length;
        if (this.expectedBytes !== undefined && this.#sizeBytes > this.expectedBytes) throw this.lengthMismatch();
        yield bytes;
      }
      if (this.expectedBytes !== undefined && this.#sizeBytes !== this.expectedBytes) throw this.lengthMismatch();
    } catch (err) {
      this.failure = err;
      throw err;
    }
  }

  private lengthMismatch(): LifeboatError {
    const expected = this.expectedBytes ?? 0;
    const actual = this.#sizeBytes > expected ? `more than ${expected}` : `${this.#sizeBytes}`;
    return new LifeboatError('BAD_USER_INPUT', `location ${this.location}: the body for ${this.key} has ${actual} bytes, contentLength says ${expected}`, {
      details: { location: this.location, key: this.key },
    });
  }
}

/** `source`, with any error it emits replaced by `classify(error)`. Destroying the result
 *  destroys `source` at once (not after its next chunk). */
export function withClassifiedErrors(source: Readable, classify: (err: unknown) => Error): Readable {
  const out = Readable.from(classified(source, classify), { objectMode: false });
  out.once('close', () => source.destroy());
  return out;
}

async function* classified(source: Readable, classify: (err: unknown) => Error): AsyncGenerator<Buffer> {
  try {
    yield* source as AsyncIterable<Buffer>;
  } catch (err) {
    throw classify(err);
  }
}
