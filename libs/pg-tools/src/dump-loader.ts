/**
 * Loads a custom-format dump's data into a database as the dump arrives: the stream of a fetch
 * is written into a DumpLoader, and the rows are in the database when the stream ends, with no
 * copy of the dump on disk.
 *
 * pg_restore cannot do this: its parallel jobs need the whole dump in a file first (to seek to
 * each table's data), so a restore would read the copy, decrypt and decompress it into a file,
 * and only then load it, one after the other. The loader instead:
 *   - waits for the header and table of contents (TOC), then hands them to `beforeData` (written
 *     to a file, they are a dump without data: pg_restore makes the schema from it before, and
 *     the indexes and constraints after);
 *   - sends each table's rows to `connections` COPY commands at once, in batches of whole rows,
 *     so that a large table is loaded on every connection and not on one; the rows of a table end
 *     up in another physical order, which SQL does not promise anyway;
 *   - writes large objects (the BLOBS block) with lo_open and lowrite in one transaction, as
 *     pg_restore does.
 * Every connection is set up as pg_restore sets up its own (the dump's client encoding and
 * standard_conforming_strings, an empty search_path, row security off). Memory stays bounded by
 * the batches in flight, whatever the size of the dump or of a row.
 *
 * The data section (pg_backup_custom.c) is a sequence of blocks: a type byte (1 table data,
 * 3 large objects), the TOC entry's dump id, then chunks, each a length and its bytes, ended by a
 * zero length; in a large-objects block each object's chunks come after its oid, and a zero oid
 * ends the block. Table data is COPY's text format, one row a line.
 */
import { Writable } from 'node:stream';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { LifeboatError, isLifeboatError, messageOf } from '@lifeboat/errors';
import { type DumpToc, type TocEntry, TocIncomplete, readDumpInt, readToc, unsupported } from './dump-toc';

const BLOCK_DATA = 1;
const BLOCK_BLOBS = 3;
const NEWLINE = 0x0a;
/** lo_open's mode for writing (INV_WRITE). */
const INV_WRITE = 0x20000;
/** The largest header and TOC waited for: a TOC takes about 1 KiB a table. */
const MAX_TOC_BYTES = 64 * 1024 * 1024;
const DEFAULT_BATCH_BYTES = 1024 * 1024;

export interface DumpLoaderOptions {
  databaseUrl: string;
  /** COPY commands at once; a table's rows are shared among them. */
  connections: number;
  /**
   * Called once with the dump's TOC and its bytes (header and TOC: a dump without data), before
   * any data is loaded; loading waits for it (to make the tables).
   */
  beforeData(toc: DumpToc, head: Buffer): Promise<void>;
  /** Rows go to a COPY in batches of about this many bytes (default 1 MiB). */
  batchBytes?: number;
}

export interface LoadedTable {
  schema: string;
  table: string;
  /** Rows the server stored: the sum of its COPY commands' row counts. */
  rows: number;
}

export interface LoadedData {
  /** Every TABLE DATA entry of the dump (empty tables included), in dump order. */
  tables: LoadedTable[];
  /** Bytes of COPY rows sent. */
  rowBytes: number;
  largeObjects: number;
}

type State = 'blockType' | 'blockId' | 'chunkLength' | 'chunkData' | 'blobOid';

/** One connection, running at most one COPY at a time. */
class CopyLane {
  #copy?: ReturnType<typeof copyFrom>;
  #dumpId?: number;
  #switching?: Promise<void>;

  constructor(
    readonly client: Client,
    private readonly fail: (err: unknown) => void,
    /** Called each time it may have become ready. */
    private readonly onReady: () => void,
    /** Called with the rows a COPY stored, once it has ended. */
    private readonly onStored: (dumpId: number, rows: number) => void,
  ) {}

  /** Whether a batch sent now is written at once (no COPY being switched, no backlog). */
  get ready(): boolean {
    return this.#switching === undefined && !(this.#copy?.writableNeedDrain ?? false);
  }

  /**
   * Sends rows of `entry`'s table, ending this lane's COPY of another table first; `written` is
   * called once the connection has handed them all to the kernel (their buffer may be reused).
   */
  send(entry: TocEntry, rows: Buffer, written: () => void): void {
    const done = (err?: Error | null) => {
      if (!err) written();
    };
    if (this.#dumpId === entry.dumpId) {
      this.#copy!.write(rows, done);
      return;
    }
    this.#switching = (async () => {
      await this.endCopy();
      this.#open(entry);
      this.#copy!.write(rows, done);
    })()
      .catch(this.fail)
      .finally(() => {
        this.#switching = undefined;
        this.onReady();
      });
  }

  /** Ends the COPY in progress, if any, once the server has taken all its rows. */
  async endCopy(): Promise<void> {
    if (this.#switching) await this.#switching;
    const copy = this.#copy;
    const dumpId = this.#dumpId;
    if (!copy || dumpId === undefined) return;
    this.#copy = undefined;
    this.#dumpId = undefined;
    await new Promise<void>((resolve, reject) => {
      copy.once('finish', resolve);
      copy.once('error', reject);
      copy.end();
    });
    this.onStored(dumpId, copy.rowCount);
  }

  #open(entry: TocEntry): void {
    const statement = entry.copyStatement!.replace(/;\s*$/, '');
    const copy = this.client.query(copyFrom(statement));
    copy.on('drain', this.onReady);
    copy.on('error', (err: Error) => this.fail(new LifeboatError('RESTORE_FAILED', `loading ${tableOf(entry)}: ${messageOf(err)}`, { cause: err })));
    this.#copy = copy;
    this.#dumpId = entry.dumpId;
  }
}

function tableOf(entry: TocEntry): string {
  return entry.namespace ? `${entry.namespace}.${entry.tag}` : entry.tag;
}

/** The settings pg_restore makes on each connection before loading (pg_backup_archiver.c, _doSetFixedOutputState). */
function sessionSetup(toc: DumpToc): string {
  const fromDump = toc.entries.filter((e) => (e.desc === 'ENCODING' || e.desc === 'STDSTRINGS') && e.definition).map((e) => e.definition!.trim());
  return [
    'SET statement_timeout = 0;',
    'SET lock_timeout = 0;',
    'SET idle_in_transaction_session_timeout = 0;',
    ...fromDump,
    "SELECT pg_catalog.set_config('search_path', '', false);",
    'SET xmloption = content;',
    'SET client_min_messages = warning;',
    'SET row_security = off;',
    // A restore is checked, and redone whole, when it fails: no need to wait for each commit's flush.
    'SET synchronous_commit = off;',
  ].join('\n');
}

export class DumpLoader extends Writable {
  readonly #options: DumpLoaderOptions;
  readonly #batchBytes: number;
  #head: Buffer[] = [];
  #headBytes = 0;
  #nextHeadTry = 0;
  #toc?: DumpToc;
  #entries = new Map<number, TocEntry>();
  #lanes: CopyLane[] = [];
  #next = 0;
  #failure?: unknown;
  /** The waits in progress: a failure ends them all. */
  #waits = new Set<(err: unknown) => void>();
  /** Ends the wait for a lane to become ready. */
  #wake?: () => void;

  #state: State = 'blockType';
  #blockType = 0;
  /** The table whose rows are being read. */
  #table?: TocEntry;
  /** Bytes of the current chunk still to read. */
  #remaining = 0;
  /** An integer cut by the end of a buffer: the bytes seen so far. */
  #partial: number[] = [];
  /** Rows waiting to be sent, and how many bytes of it are used. */
  #batch: Buffer;
  #used = 0;
  /**
   * Batches sent and written, for reuse: a new buffer for each batch would make V8 run a full
   * garbage collection for every few tens of megabytes loaded (the memory outside its heap).
   */
  #spare: Buffer[] = [];
  /** The lane that took the start of a row longer than a batch: the rest of it must follow. */
  #sticky?: CopyLane;
  /** The large object being written: its descriptor, and bytes waiting for lowrite. */
  #blob?: { fd: number; pending: Buffer[]; bytes: number };

  /** Dump id → rows stored, for each TABLE DATA entry met. */
  readonly #stored = new Map<number, number>();
  #rowBytes = 0;
  #largeObjects = 0;

  constructor(options: DumpLoaderOptions) {
    super({ highWaterMark: 1024 * 1024 });
    if (!Number.isInteger(options.connections) || options.connections < 1) throw new LifeboatError('BAD_USER_INPUT', `connections must be a positive integer, not ${options.connections}`);
    this.#options = options;
    this.#batchBytes = options.batchBytes ?? DEFAULT_BATCH_BYTES;
    this.#batch = Buffer.allocUnsafe(this.#batchBytes);
  }

  /** The dump's TOC, once it has arrived. */
  get toc(): DumpToc | undefined {
    return this.#toc;
  }

  /** What was loaded (complete once the stream has finished). */
  get loaded(): LoadedData {
    const tables = [...this.#stored].map(([dumpId, rows]) => {
      const entry = this.#entries.get(dumpId)!;
      return { schema: entry.namespace ?? '', table: entry.tag, rows };
    });
    return { tables, rowBytes: this.#rowBytes, largeObjects: this.#largeObjects };
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    this.#take(chunk).then(
      () => done(),
      (err: unknown) => done(this.#failure ? asError(this.#failure) : asError(err)),
    );
  }

  override _final(done: (err?: Error | null) => void): void {
    this.#finish().then(
      () => done(),
      (err: unknown) => done(this.#failure ? asError(this.#failure) : asError(err)),
    );
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    this.#close().then(
      () => done(err),
      () => done(err),
    );
  }

  /** Records the first failure (a COPY refused, a connection lost): every wait ends with it. */
  readonly #fail = (err: unknown): void => {
    if (this.#failure) return;
    this.#failure = err;
    for (const end of this.#waits) end(err);
    this.#waits.clear();
  };

  /** Waits for `promise`, or until a failure, whichever comes first. */
  #wait(promise: Promise<void>): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise<void>((resolve, reject) => {
      this.#waits.add(reject);
      promise.then(resolve, reject).finally(() => this.#waits.delete(reject));
    });
  }

  readonly #onStored = (dumpId: number, rows: number): void => {
    this.#stored.set(dumpId, (this.#stored.get(dumpId) ?? 0) + rows);
  };

  readonly #laneReady = (): void => {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  };

  /** The first lane `pick` finds, waiting for lanes to become ready until it finds one. */
  async #laneWhere(pick: () => CopyLane | undefined): Promise<CopyLane> {
    for (;;) {
      const lane = pick();
      if (lane) return lane;
      await this.#wait(new Promise<void>((resolve) => (this.#wake = resolve)));
    }
  }

  async #take(chunk: Buffer): Promise<void> {
    if (this.#failure) throw this.#failure;
    if (this.#toc) return this.#scan(chunk, 0);
    this.#head.push(chunk);
    this.#headBytes += chunk.length;
    // The TOC is usually in the first chunk; a large one is tried again each time the bytes double.
    if (this.#headBytes < this.#nextHeadTry) return;
    const head = Buffer.concat(this.#head);
    this.#head = [head];
    let toc: DumpToc;
    try {
      toc = readToc(head);
    } catch (err) {
      if (!(err instanceof TocIncomplete)) throw err;
      if (head.length > MAX_TOC_BYTES) throw unsupported(`no table of contents ends within its first ${MAX_TOC_BYTES} bytes`);
      this.#nextHeadTry = head.length * 2;
      return;
    }
    if (toc.compressed) throw unsupported('pg_dump compressed its data blocks (Lifeboat dumps with --compress=0 and compresses the whole dump itself)');
    this.#head = [];
    try {
      await this.#options.beforeData(toc, head.subarray(0, toc.length));
    } catch (err) {
      throw isLifeboatError(err) ? err : new LifeboatError('RESTORE_FAILED', `before loading the data: ${messageOf(err)}`, { cause: err });
    }
    this.#entries = new Map(toc.entries.map((e) => [e.dumpId, e]));
    await this.#connect(toc);
    this.#toc = toc;
    await this.#scan(head, toc.length);
  }

  async #connect(toc: DumpToc): Promise<void> {
    const setup = sessionSetup(toc);
    for (let i = 0; i < this.#options.connections; i++) {
      const client = new Client({ connectionString: this.#options.databaseUrl, application_name: 'lifeboat-restore' });
      client.on('error', (err) => this.#fail(new LifeboatError('RESTORE_FAILED', `a loading connection failed: ${messageOf(err)}`, { cause: err })));
      this.#lanes.push(new CopyLane(client, this.#fail, this.#laneReady, this.#onStored));
      try {
        await client.connect();
        await client.query(setup);
      } catch (err) {
        throw new LifeboatError('RESTORE_FAILED', `cannot open a loading connection to the target database: ${messageOf(err)}`, { cause: err });
      }
    }
  }

  /** Walks the data section in `buf` from `from` (a state machine: blocks and chunks may span buffers). */
  async #scan(buf: Buffer, from: number): Promise<void> {
    const intSize = this.#toc!.intSize;
    const size = 1 + intSize;
    const length = buf.length;
    let i = from;
    while (i < length) {
      const state = this.#state;
      if (state === 'chunkLength' && this.#partial.length === 0 && i + size <= length) {
        const value = readDumpInt(buf, i, intSize);
        i += size;
        if (value > 0 && i + value <= length && this.#blob === undefined && this.#used + value <= this.#batchBytes) {
          // The hot path, once per row: the whole row is in `buf` and fits in the batch.
          buf.copy(this.#batch, this.#used, i, i + value);
          this.#used += value;
          i += value;
        } else await this.#onInt(value);
      } else if (state === 'chunkData') {
        const n = Math.min(this.#remaining, length - i);
        await this.#onData(buf, i, n);
        i += n;
        this.#remaining -= n;
        if (this.#remaining === 0) this.#state = 'chunkLength';
      } else if (state === 'blockType') {
        this.#blockType = buf[i++];
        if (this.#blockType !== BLOCK_DATA && this.#blockType !== BLOCK_BLOBS) throw unsupported(`unexpected data block type ${this.#blockType}`);
        this.#state = 'blockId';
      } else if (this.#partial.length === 0 && i + size <= length) {
        const value = readDumpInt(buf, i, intSize);
        i += size;
        await this.#onInt(value);
      } else {
        // An integer cut by the end of the buffer: gathered across buffers.
        while (this.#partial.length < size && i < length) this.#partial.push(buf[i++]);
        if (this.#partial.length < size) break;
        const value = readDumpInt(Buffer.from(this.#partial), 0, intSize);
        this.#partial = [];
        await this.#onInt(value);
      }
    }
  }

  async #onInt(value: number): Promise<void> {
    switch (this.#state) {
      case 'blockId':
        await this.#startBlock(value);
        return;
      case 'blobOid':
        if (value === 0) {
          await this.#lanes[0].client.query('COMMIT');
          this.#state = 'blockType';
        } else {
          const { rows } = await this.#lanes[0].client.query<{ fd: number }>('SELECT pg_catalog.lo_open($1, $2) AS fd', [value, INV_WRITE]);
          this.#blob = { fd: rows[0].fd, pending: [], bytes: 0 };
          this.#state = 'chunkLength';
        }
        return;
      case 'chunkLength':
        if (value < 0) throw unsupported(`a chunk of negative length (${value})`);
        if (value > 0) {
          this.#remaining = value;
          this.#state = 'chunkData';
        } else if (this.#blob) {
          await this.#endBlob();
          this.#state = 'blobOid';
        } else {
          await this.#endTable();
          this.#state = 'blockType';
        }
        return;
      default:
        throw unsupported(`an integer where ${this.#state} was expected`);
    }
  }

  async #startBlock(dumpId: number): Promise<void> {
    const entry = this.#entries.get(dumpId);
    if (this.#blockType === BLOCK_BLOBS) {
      // Written on the first connection, in one transaction, after its COPY (if any) has ended.
      await this.#wait(this.#lanes[0].endCopy());
      await this.#lanes[0].client.query('BEGIN');
      this.#state = 'blobOid';
      return;
    }
    if (!entry || entry.desc !== 'TABLE DATA' || !entry.copyStatement) {
      throw unsupported(`the data block of TOC entry ${dumpId} (${entry ? entry.desc : 'not in the TOC'}) is not COPY table data`);
    }
    this.#table = entry;
    this.#stored.set(dumpId, 0);
    this.#state = 'chunkLength';
  }

  async #onData(buf: Buffer, at: number, n: number): Promise<void> {
    if (this.#blob) {
      this.#blob.pending.push(Buffer.from(buf.subarray(at, at + n)));
      this.#blob.bytes += n;
      if (this.#blob.bytes >= this.#batchBytes) await this.#writeBlob();
      return;
    }
    let offset = at;
    let left = n;
    while (left > 0) {
      const k = Math.min(left, this.#batchBytes - this.#used);
      buf.copy(this.#batch, this.#used, offset, offset + k);
      this.#used += k;
      offset += k;
      left -= k;
      if (this.#used === this.#batchBytes) await this.#sendFullBatch();
    }
  }

  /** Sends the whole rows of a full batch, keeping the start of the last row for the next one. */
  async #sendFullBatch(): Promise<void> {
    const batch = this.#takeBatch();
    const lastNewline = batch.lastIndexOf(NEWLINE, this.#used - 1);
    if (lastNewline < 0) {
      // Part of one row longer than a batch: sent now, and the rest of it to the same COPY.
      this.#sticky = await this.#send(batch, this.#used);
      this.#used = 0;
      return;
    }
    const rest = this.#used - lastNewline - 1;
    batch.copy(this.#batch, 0, lastNewline + 1, this.#used);
    this.#used = rest;
    await this.#send(batch, lastNewline + 1);
    this.#sticky = undefined;
  }

  /** The batch being filled, replaced by a spare one (or a new one) to fill next. */
  #takeBatch(): Buffer {
    const batch = this.#batch;
    this.#batch = this.#spare.pop() ?? Buffer.allocUnsafe(this.#batchBytes);
    return batch;
  }

  async #endTable(): Promise<void> {
    if (this.#used > 0) {
      const used = this.#used;
      const batch = this.#takeBatch();
      this.#used = 0;
      await this.#send(batch, used);
    }
    this.#sticky = undefined;
    this.#table = undefined;
  }

  /**
   * Sends the first `bytes` of `batch` (rows of the current table) to a lane that can take them,
   * waiting for one if none can; returns the lane. The batch is kept for reuse once written.
   */
  async #send(batch: Buffer, bytes: number): Promise<CopyLane> {
    const sticky = this.#sticky;
    const lane = await this.#laneWhere(() => (sticky ? (sticky.ready ? sticky : undefined) : this.#nextReadyLane()));
    if (this.#failure) throw this.#failure;
    lane.send(this.#table!, batch.subarray(0, bytes), () => this.#spare.push(batch));
    this.#rowBytes += bytes;
    return lane;
  }

  /** The next lane, in turn, that is ready. */
  #nextReadyLane(): CopyLane | undefined {
    const count = this.#lanes.length;
    for (let k = 0; k < count; k++) {
      const lane = this.#lanes[(this.#next + k) % count];
      if (lane.ready) {
        this.#next = (this.#next + k + 1) % count;
        return lane;
      }
    }
    return undefined;
  }

  async #writeBlob(): Promise<void> {
    const blob = this.#blob!;
    if (blob.bytes === 0) return;
    const data = Buffer.concat(blob.pending);
    blob.pending = [];
    blob.bytes = 0;
    await this.#lanes[0].client.query('SELECT pg_catalog.lowrite($1, $2)', [blob.fd, data]);
  }

  async #endBlob(): Promise<void> {
    await this.#writeBlob();
    await this.#lanes[0].client.query('SELECT pg_catalog.lo_close($1)', [this.#blob!.fd]);
    this.#blob = undefined;
    this.#largeObjects++;
  }

  async #finish(): Promise<void> {
    if (this.#failure) throw this.#failure;
    if (!this.#toc) throw unsupported('it ended before its table of contents did');
    if (this.#state !== 'blockType' || this.#partial.length > 0) throw unsupported('it ended inside a data block');
    await this.#wait(Promise.all(this.#lanes.map((l) => l.endCopy())).then(() => undefined));
    await this.#close();
  }

  async #close(): Promise<void> {
    const lanes = this.#lanes;
    this.#lanes = [];
    await Promise.all(lanes.map((l) => l.client.end().catch(() => undefined)));
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
