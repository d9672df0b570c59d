/**
 * Data offsets for a custom-format dump that was written to a pipe.
 *
 * pg_dump writes its table of contents (TOC) first; when its output can seek, it goes back at the
 * end and fills in where each table's data block starts. Written to a pipe (as every Lifeboat
 * backup is), the TOC says "position not set", and a parallel pg_restore must then find every
 * block by reading through the data before it, one row-sized chunk at a time, in each worker:
 * several times the CPU of pg_restore itself, growing with the number of tables.
 *
 * DumpOffsetIndexer passes the dump through unchanged while it notes where each TOC entry's
 * offset field is and where each data block starts; `patch` then writes the block positions into
 * the TOC of the file the stream was written to, as pg_dump does for a seekable file. Anything it
 * does not understand (another format, version or layout) makes it give up quietly: the file is
 * left as it was, and pg_restore still reads it, only slower.
 *
 * The layout (PostgreSQL's pg_backup_archiver.c and pg_backup_custom.c, archive versions 1.12 to
 * 1.15): integers are a sign byte and `intSize` little-endian bytes; strings an integer length
 * (-1 for none) and the bytes; offsets a flag byte (1 not set, 2 set, 3 no data) and `offSize`
 * little-endian bytes. A data block is a type byte (1 table data, 3 large objects), the TOC
 * entry's dump id, then chunks, each a length and its bytes, ended by a zero length (large
 * objects: an oid before each object's chunks, ended by a zero oid).
 */
import { open } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';

const MAGIC = 'PGDMP';
const FORMAT_CUSTOM = 1;
const OFFSET_NOT_SET = 1;
const OFFSET_SET = 2;
const BLOCK_DATA = 1;
const BLOCK_BLOBS = 3;
const version = (major: number, minor: number, rev = 0) => (major * 256 + minor) * 256 + rev;
const OLDEST = version(1, 12);
const NEWEST = version(1, 15);
/** The largest header and TOC indexed: a TOC takes about 1 KiB a table. */
const MAX_HEAD_BYTES = 64 * 1024 * 1024;

/** Where a TOC entry's offset field is in the file, and what it says. */
interface TocOffset {
  dumpId: number;
  /** File position of the offset's flag byte. */
  at: number;
  flag: number;
}

export interface DumpIndex {
  intSize: number;
  offSize: number;
  entries: TocOffset[];
  /** Dump id → file position of its data block's type byte. */
  blocks: Map<number, number>;
}

class NeedMore extends Error {}

/** Reads the header and TOC from the start of a dump; throws NeedMore when `buf` ends first. */
class HeadReader {
  pos = 0;
  intSize = 4;
  offSize = 8;
  constructor(private readonly buf: Buffer) {}

  need(n: number): void {
    if (this.pos + n > this.buf.length) throw new NeedMore();
  }

  byte(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  int(): number {
    this.need(1 + this.intSize);
    const negative = this.buf[this.pos++] !== 0;
    let value = 0;
    for (let i = 0; i < this.intSize; i++) value += this.buf[this.pos++] * 2 ** (8 * i);
    return negative ? -value : value;
  }

  skipString(): boolean {
    const length = this.int();
    if (length < 0) return false;
    this.need(length);
    this.pos += length;
    return true;
  }

  string(): string | null {
    const start = this.pos + 1 + this.intSize;
    if (!this.skipString()) return null;
    return this.buf.toString('latin1', start, this.pos);
  }
}

/** Why a dump cannot be indexed (not an error: pg_restore reads it anyway). */
class Unindexable extends Error {}

function readHead(buf: Buffer): { intSize: number; offSize: number; entries: TocOffset[]; dataStart: number } {
  const r = new HeadReader(buf);
  r.need(MAGIC.length);
  if (buf.toString('latin1', 0, MAGIC.length) !== MAGIC) throw new Unindexable('not a custom-format dump (no PGDMP magic)');
  r.pos = MAGIC.length;
  const v = version(r.byte(), r.byte(), r.byte());
  if (v < OLDEST || v > NEWEST) throw new Unindexable(`archive version ${v >> 16}.${(v >> 8) & 255} is not one this indexer knows`);
  r.intSize = r.byte();
  r.offSize = r.byte();
  if (r.intSize < 1 || r.intSize > 6 || r.offSize < 1 || r.offSize > 8) throw new Unindexable(`unexpected integer (${r.intSize}) or offset (${r.offSize}) size`);
  if (r.byte() !== FORMAT_CUSTOM) throw new Unindexable('not the custom format');
  if (v >= version(1, 15)) r.byte();
  else r.int(); // compression
  for (let i = 0; i < 7; i++) r.int(); // creation time
  r.skipString(); // database name
  r.skipString(); // server version
  r.skipString(); // pg_dump version
  const count = r.int();
  const entries: TocOffset[] = [];
  for (let e = 0; e < count; e++) {
    const dumpId = r.int();
    r.int(); // had dumper
    r.skipString(); // table oid
    r.skipString(); // oid
    r.skipString(); // tag
    r.skipString(); // desc
    r.int(); // section
    r.skipString(); // definition
    r.skipString(); // drop statement
    r.skipString(); // copy statement
    r.skipString(); // namespace
    r.skipString(); // tablespace
    if (v >= version(1, 14)) r.skipString(); // table access method
    r.skipString(); // owner
    r.skipString(); // "with oids"
    while (r.string() !== null); // dependencies, ended by a null string
    const at = r.pos;
    const flag = r.byte();
    if (flag < 1 || flag > 3) throw new Unindexable(`TOC entry ${dumpId} has an offset flag of ${flag}`);
    r.need(r.offSize);
    r.pos += r.offSize;
    entries.push({ dumpId, at, flag });
  }
  return { intSize: r.intSize, offSize: r.offSize, entries, dataStart: r.pos };
}

type State = 'blockType' | 'blockId' | 'chunkLength' | 'chunkData' | 'blobOid';

/** Passes a custom-format dump through unchanged and indexes it on the way (see the module's comment). */
export class DumpOffsetIndexer extends Transform {
  #head: Buffer[] = [];
  #headBytes = 0;
  #nextHeadTry = 0;
  #index?: DumpIndex;
  #failure?: string;
  /** File position of the next byte of the data section to look at. */
  #pos = 0;
  #state: State = 'blockType';
  #blockStart = 0;
  #inBlobs = false;
  /** Bytes of the current chunk still to skip. */
  #skip = 0;
  /** An integer cut by a chunk boundary: the bytes seen so far. */
  #partial: number[] = [];

  /** The index, once the whole dump went through and made sense; otherwise why not. */
  result(): { index: DumpIndex } | { reason: string } {
    if (this.#failure) return { reason: this.#failure };
    if (!this.#index) return { reason: 'the dump ended before its table of contents did' };
    if (this.#state !== 'blockType' || this.#partial.length > 0) return { reason: 'the dump ended inside a data block' };
    return { index: this.#index };
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      if (!this.#failure) this.#take(chunk);
    } catch (err) {
      this.#failure = err instanceof Error ? err.message : String(err);
    }
    done(null, chunk);
  }

  #take(chunk: Buffer): void {
    if (this.#index) {
      this.#scan(chunk, 0);
      return;
    }
    this.#head.push(chunk);
    this.#headBytes += chunk.length;
    // The TOC is usually in the first chunk; a large one is tried again each time the bytes double.
    if (this.#headBytes < this.#nextHeadTry) return;
    const buf = Buffer.concat(this.#head);
    this.#head = [buf];
    let head: ReturnType<typeof readHead>;
    try {
      head = readHead(buf);
    } catch (err) {
      if (err instanceof NeedMore) {
        // Held in memory until it is whole: a damaged length must not make it hold the whole dump.
        if (buf.length > MAX_HEAD_BYTES) throw new Unindexable(`no table of contents ends within the first ${MAX_HEAD_BYTES} bytes`);
        this.#nextHeadTry = buf.length * 2;
        return;
      }
      throw err;
    }
    this.#index = { intSize: head.intSize, offSize: head.offSize, entries: head.entries, blocks: new Map() };
    this.#head = [];
    this.#pos = head.dataStart;
    this.#scan(buf, head.dataStart);
  }

  /** Walks the data section in `buf` from `from` (a state machine: blocks and chunks may span buffers). */
  #scan(buf: Buffer, from: number): void {
    const intSize = this.#index!.intSize;
    const size = 1 + intSize;
    const length = buf.length;
    let i = from;
    while (i < length) {
      const state = this.#state;
      if (state === 'chunkData') {
        const n = Math.min(this.#skip, length - i);
        i += n;
        this.#pos += n;
        this.#skip -= n;
        if (this.#skip === 0) this.#state = 'chunkLength';
      } else if (state === 'chunkLength' && this.#partial.length === 0 && i + size <= length) {
        // The hot path, once per row of table data: a chunk's length, then its bytes skipped.
        const value = intAt(buf, i, intSize);
        i += size;
        this.#pos += size;
        if (value > 0 && i + value <= length) {
          i += value;
          this.#pos += value;
        } else this.#onInt(value);
      } else if (state === 'blockType') {
        const type = buf[i++];
        this.#blockStart = this.#pos;
        this.#pos += 1;
        if (type !== BLOCK_DATA && type !== BLOCK_BLOBS) throw new Unindexable(`unexpected data block type ${type} at ${this.#blockStart}`);
        this.#inBlobs = type === BLOCK_BLOBS;
        this.#state = 'blockId';
      } else if (this.#partial.length === 0 && i + size <= length) {
        const value = intAt(buf, i, intSize);
        i += size;
        this.#pos += size;
        this.#onInt(value);
      } else {
        // An integer cut by the end of the buffer: gathered across buffers.
        while (this.#partial.length < size && i < length) this.#partial.push(buf[i++]);
        if (this.#partial.length < size) break;
        const value = intAt(Buffer.from(this.#partial), 0, intSize);
        this.#partial = [];
        this.#pos += size;
        this.#onInt(value);
      }
    }
  }

  #onInt(value: number): void {
    const index = this.#index!;
    switch (this.#state) {
      case 'blockId':
        index.blocks.set(value, this.#blockStart);
        this.#state = this.#inBlobs ? 'blobOid' : 'chunkLength';
        return;
      case 'blobOid':
        this.#state = value === 0 ? 'blockType' : 'chunkLength';
        return;
      case 'chunkLength':
        if (value < 0) throw new Unindexable(`negative chunk length at ${this.#pos}`);
        if (value === 0) this.#state = this.#inBlobs ? 'blobOid' : 'blockType';
        else {
          this.#skip = value;
          this.#state = 'chunkData';
        }
        return;
      default:
        throw new Unindexable(`unexpected state ${this.#state}`);
    }
  }
}

function intAt(buf: Buffer, at: number, intSize: number): number {
  const value = intSize === 4 ? buf.readUInt32LE(at + 1) : buf.readUIntLE(at + 1, intSize);
  return buf[at] !== 0 ? -value : value;
}

/**
 * Writes each data block's position into the TOC of `path` (the file the indexed stream was
 * written to), for the entries whose position was not set. Returns how many it wrote.
 */
export async function patchDumpOffsets(path: string, index: DumpIndex): Promise<number> {
  const handle = await open(path, 'r+');
  let written = 0;
  try {
    for (const entry of index.entries) {
      const position = index.blocks.get(entry.dumpId);
      if (entry.flag !== OFFSET_NOT_SET || position === undefined) continue;
      const field = Buffer.alloc(1 + index.offSize);
      field[0] = OFFSET_SET;
      let rest = position;
      for (let b = 0; b < index.offSize; b++) {
        field[1 + b] = rest % 256;
        rest = Math.floor(rest / 256);
      }
      await handle.write(field, 0, field.length, entry.at);
      written++;
    }
  } finally {
    await handle.close();
  }
  return written;
}
