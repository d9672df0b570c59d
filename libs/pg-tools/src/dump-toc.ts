/**
 * The header and table of contents (TOC) of a custom-format dump, read from its first bytes.
 *
 * The layout (PostgreSQL's pg_backup_archiver.c and pg_backup_custom.c, archive versions 1.12 to
 * 1.15, written by pg_dump 9.0 to 17): the magic "PGDMP", the version, the sizes of integers and
 * file offsets, the format, the compression, the creation time and three strings, then the TOC
 * entries. Integers are a sign byte and `intSize` little-endian bytes; strings an integer length
 * (-1 for none) and the bytes; a file offset a flag byte and `offSize` bytes. The data blocks
 * follow the TOC (see DumpLoader).
 */
import { LifeboatError } from '@lifeboat/errors';

const MAGIC = 'PGDMP';
const FORMAT_CUSTOM = 1;
const version = (major: number, minor: number) => major * 256 + minor;
const OLDEST = version(1, 12);
const NEWEST = version(1, 15);

export interface TocEntry {
  dumpId: number;
  /** What the entry is: TABLE, TABLE DATA, INDEX, SEQUENCE SET, BLOBS, ENCODING, ... */
  desc: string;
  tag: string;
  namespace: string | null;
  /** The SQL that makes it (for ENCODING and STDSTRINGS: the SET command). */
  definition: string | null;
  /** For TABLE DATA: `COPY schema.table (columns) FROM stdin;`. */
  copyStatement: string | null;
}

export interface DumpToc {
  /** The archive version, as "1.14". */
  version: string;
  intSize: number;
  /** Whether pg_dump compressed the data blocks itself (Lifeboat's dumps never are: --compress=0). */
  compressed: boolean;
  entries: TocEntry[];
  /** Bytes of the header and TOC: the data blocks start here. */
  length: number;
}

/** The bytes given end before the TOC does: more are needed. */
export class TocIncomplete extends Error {}

class Reader {
  pos = 0;
  intSize = 4;
  constructor(private readonly buf: Buffer) {}

  need(n: number): void {
    if (this.pos + n > this.buf.length) throw new TocIncomplete();
  }

  byte(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  int(): number {
    this.need(1 + this.intSize);
    const value = readDumpInt(this.buf, this.pos, this.intSize);
    this.pos += 1 + this.intSize;
    return value;
  }

  string(): string | null {
    const length = this.int();
    if (length < 0) return null;
    this.need(length);
    this.pos += length;
    return this.buf.toString('utf8', this.pos - length, this.pos);
  }
}

/** An integer of the dump's own encoding at `at`: a sign byte, then `intSize` little-endian bytes. */
export function readDumpInt(buf: Buffer, at: number, intSize: number): number {
  const value = intSize === 4 ? buf.readUInt32LE(at + 1) : buf.readUIntLE(at + 1, intSize);
  return buf[at] !== 0 ? -value : value;
}

export function unsupported(message: string): LifeboatError {
  return new LifeboatError('RESTORE_FAILED', `the dump cannot be read: ${message}`);
}

/**
 * Reads the header and TOC at the start of `buf`; throws TocIncomplete when `buf` ends first,
 * and a RESTORE_FAILED error for what is not a custom-format dump this reader knows.
 */
export function readToc(buf: Buffer): DumpToc {
  const r = new Reader(buf);
  r.need(MAGIC.length);
  if (buf.toString('latin1', 0, MAGIC.length) !== MAGIC) throw unsupported('it is not a custom-format dump (no PGDMP magic)');
  r.pos = MAGIC.length;
  const major = r.byte();
  const minor = r.byte();
  r.byte(); // revision
  const v = version(major, minor);
  if (v < OLDEST || v > NEWEST) throw unsupported(`archive version ${major}.${minor} is not one this reader knows (1.12 to 1.15)`);
  r.intSize = r.byte();
  const offSize = r.byte();
  if (r.intSize < 1 || r.intSize > 6 || offSize < 1 || offSize > 8) throw unsupported(`unexpected integer (${r.intSize}) or offset (${offSize}) size`);
  if (r.byte() !== FORMAT_CUSTOM) throw unsupported('it is not in the custom format');
  // 1.15 names the algorithm (0 none); before, a zlib level (0 none, -1 default).
  const compressed = (v >= version(1, 15) ? r.byte() : r.int()) !== 0;
  for (let i = 0; i < 7; i++) r.int(); // creation time
  r.string(); // database name
  r.string(); // server version
  r.string(); // pg_dump version
  const count = r.int();
  if (count < 0) throw unsupported(`a TOC of ${count} entries`);
  const entries: TocEntry[] = [];
  for (let e = 0; e < count; e++) {
    const dumpId = r.int();
    r.int(); // has a data dumper
    r.string(); // table oid
    r.string(); // oid
    const tag = r.string() ?? '';
    const desc = r.string() ?? '';
    r.int(); // section
    const definition = r.string();
    r.string(); // drop statement
    const copyStatement = r.string();
    const namespace = r.string();
    r.string(); // tablespace
    if (v >= version(1, 14)) r.string(); // table access method
    r.string(); // owner
    r.string(); // "with oids"
    while (r.string() !== null); // dependencies, ended by a null string
    const flag = r.byte(); // data offset: 1 not set, 2 set, 3 no data
    if (flag < 1 || flag > 3) throw unsupported(`TOC entry ${dumpId} has a data offset flag of ${flag}`);
    r.need(offSize);
    r.pos += offSize;
    entries.push({ dumpId, desc, tag, namespace, definition, copyStatement });
  }
  return { version: `${major}.${minor}`, intSize: r.intSize, compressed, entries, length: r.pos };
}
