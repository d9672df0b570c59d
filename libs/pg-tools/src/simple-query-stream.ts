/**
 * Several statements sent to the server at once (one simple-protocol Query message), COPY … TO
 * STDOUT among them, and what comes back read as it arrives: one round trip where a statement at
 * a time would take one each. Made for work that runs thousands of times (a tenant export is a
 * transaction, its settings, a count and a COPY per table). Passed to `client.query()`, it takes
 * the connection's socket over, as pg-copy-streams does, until the server is ready for the next
 * query, and hands it back to node-postgres with what remains. Backpressure: the socket is not
 * read while the stream's reader lags.
 *
 * The stream yields, in order, for each statement:
 *   - `{ kind: 'row', values }` for each row a statement returns (text values, null for NULL);
 *   - `{ kind: 'copy' }` when a COPY … TO STDOUT starts, then `{ kind: 'data', chunk }` with its
 *     bytes (COPY text lines, in pieces of any size);
 *   - `{ kind: 'done', tag }` when the statement completes (`BEGIN`, `SELECT 1`, `COPY 42`).
 * An error of the server ends the stream with it (the server skips the statements that follow).
 */
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import type { Connection } from 'pg';

export type SimpleQueryEvent = { kind: 'row'; values: (string | null)[] } | { kind: 'copy' } | { kind: 'data'; chunk: Buffer } | { kind: 'done'; tag: string };

const ROW = 0x44; // D
const COPY_OUT = 0x48; // H
const COPY_DATA = 0x64; // d
const COMPLETE = 0x43; // C
const ERROR = 0x45; // E
const READY = 0x5a; // Z
const EMPTY = Buffer.alloc(0);

interface PgConnection {
  stream: Socket;
  query(text: string): void;
}

export class SimpleQueryStream extends Readable {
  #connection?: PgConnection;
  #pgOnData?: (chunk: Buffer) => void;
  /** The start of a message whose rest has not arrived (never COPY data: see #copyLeft). */
  #pending = EMPTY;
  /** Bytes of the current COPY data message still to come. */
  #copyLeft = 0;
  #wanted = false;
  #reading = false;
  readonly #onReadable = () => this.#forward();

  constructor(private readonly text: string) {
    super({ objectMode: true, highWaterMark: 16 });
  }

  /** Called by node-postgres when the query's turn comes. */
  submit(connection: Connection): void {
    const con = connection as unknown as PgConnection;
    this.#connection = con;
    const [onData] = con.stream.listeners('data') as ((chunk: Buffer) => void)[];
    this.#pgOnData = onData;
    con.stream.removeListener('data', onData);
    con.stream.pause();
    con.stream.on('readable', this.#onReadable);
    con.query(this.text);
  }

  /** Called by node-postgres with an error of the server (handed back to it, see #parse). */
  handleError(err: Error): void {
    this.destroy(err);
  }

  handleReadyForQuery(): void {
    this.push(null);
  }

  /**
   * Given up before the server was done (or failed): the connection is left mid-response, so its
   * socket is closed. The client then fails what it has queued, and emits 'error' unless it was
   * being ended (end it first, or listen).
   */
  override _destroy(err: Error | null, done: (err: Error | null) => void): void {
    const con = this.#connection;
    this.#connection = undefined;
    if (con) {
      con.stream.removeListener('readable', this.#onReadable);
      con.stream.destroy();
    }
    done(err);
  }

  override _read(): void {
    this.#wanted = true;
    this.#forward();
  }

  #forward(): void {
    const con = this.#connection;
    if (this.#reading || !con || !this.#wanted) return;
    this.#reading = true;
    let chunk: Buffer | null;
    while (this.#wanted && this.#connection && (chunk = con.stream.read() as Buffer | null) !== null) this.#parse(chunk);
    this.#reading = false;
  }

  /**
   * Reads the messages of `chunk`. COPY data goes on as it arrives, a message's body split across
   * chunks included (a row may be large); other messages are small and read once whole.
   */
  #parse(chunk: Buffer): void {
    const buf = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    this.#pending = EMPTY;
    let at = 0;
    const data: Buffer[] = [];
    const flushData = () => {
      if (data.length) this.#emit({ kind: 'data', chunk: data.length === 1 ? data[0] : Buffer.concat(data) });
      data.length = 0;
    };
    while (at < buf.length) {
      if (this.#copyLeft > 0) {
        const n = Math.min(this.#copyLeft, buf.length - at);
        data.push(buf.subarray(at, at + n));
        this.#copyLeft -= n;
        at += n;
        continue;
      }
      if (buf.length - at < 5) break;
      const code = buf[at];
      const length = buf.readUInt32BE(at + 1);
      if (code === ERROR || code === READY) {
        // node-postgres reads these itself: its error goes to handleError, and it takes the
        // connection back for the next query.
        flushData();
        this.#handBack(buf.subarray(at));
        return;
      }
      if (code === COPY_DATA) {
        this.#copyLeft = length - 4;
        at += 5;
        continue;
      }
      const end = at + 1 + length;
      if (end > buf.length) break;
      flushData();
      const body = buf.subarray(at + 5, end);
      if (code === ROW) this.#emit({ kind: 'row', values: rowValues(body) });
      else if (code === COPY_OUT) this.#emit({ kind: 'copy' });
      else if (code === COMPLETE) this.#emit({ kind: 'done', tag: body.toString('utf8', 0, body.length - 1) });
      // Row descriptions, CopyDone, notices and parameter changes say nothing the reader needs.
      at = end;
    }
    flushData();
    if (at < buf.length) this.#pending = Buffer.from(buf.subarray(at));
  }

  #emit(event: SimpleQueryEvent): void {
    if (!this.push(event)) this.#wanted = false;
  }

  #handBack(rest: Buffer): void {
    const con = this.#connection!;
    this.#connection = undefined;
    con.stream.removeListener('readable', this.#onReadable);
    con.stream.on('data', this.#pgOnData!);
    this.#pgOnData!(rest);
    // As pg-copy-streams: resumed on the next tick, once node-postgres's handler has run.
    process.nextTick(() => con.stream.resume());
  }
}

/** The text values of a DataRow message. */
function rowValues(body: Buffer): (string | null)[] {
  const count = body.readUInt16BE(0);
  const values: (string | null)[] = [];
  let at = 2;
  for (let i = 0; i < count; i++) {
    const length = body.readInt32BE(at);
    at += 4;
    if (length < 0) values.push(null);
    else {
      values.push(body.toString('utf8', at, at + length));
      at += length;
    }
  }
  return values;
}
