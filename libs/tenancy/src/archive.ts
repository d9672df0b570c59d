/**
 * The tenant archive: one tenant's rows of every tenant table, as text (docs/format.md):
 *
 *   LIFEBOAT-TENANT-ARCHIVE 1\n
 *   {header as JSON}\n            tenant id, tenant column, tables in foreign-key order with
 *                                 columns, types, primary key and row count
 *   TABLE <index>\n               then the table's rows in COPY text format, one per line
 *   …rows…\n
 *   \.\n                          end of the table (a line COPY text never produces)
 *   …one TABLE section per table, in header order…
 *
 * Writing and reading both check every row's tenant column against the archive's tenant and the
 * row count against the header: a row of another tenant fails loudly, in either direction.
 */
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { LifeboatError } from '@lifeboat/errors';
import { type TenantTable, qualified } from './directory';

export const ARCHIVE_MAGIC = 'LIFEBOAT-TENANT-ARCHIVE 1';
const END = '\\.';

export interface ArchiveTable extends TenantTable {
  rows: number;
}

export interface ArchiveHeader {
  tenantId: string;
  tenantColumn: string;
  exportedAt: string;
  tables: ArchiveTable[];
}

/** A value as COPY's text format writes it. */
export function copyText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

function tenantColumnIndex(table: TenantTable, tenantColumn: string): number {
  const i = table.columns.findIndex((c) => c.name === tenantColumn);
  if (i < 0) throw new LifeboatError('INTERNAL', `${qualified(table)} has no column ${tenantColumn}`);
  return i;
}

function foreignRow(table: TenantTable, tenantId: string, found: string): LifeboatError {
  return new LifeboatError('BACKUP_FAILED', `the export of tenant ${tenantId} holds a row of tenant ${found} in ${qualified(table)}: refusing to store it`, {
    hint: 'check the row-level security policies and the tenant column of that table',
  });
}

/** The tenant field of a COPY text line (a Buffer without its newline). */
function fieldAt(line: Buffer, index: number): Buffer {
  let start = 0;
  for (let i = 0; i < index; i++) {
    const tab = line.indexOf(0x09, start);
    if (tab < 0) return Buffer.alloc(0);
    start = tab + 1;
  }
  const end = line.indexOf(0x09, start);
  return line.subarray(start, end < 0 ? line.length : end);
}

/**
 * The archive is passed on in pieces of at least this size (the last excepted): most tenants' whole
 * archive is one piece, which the compressor takes in one hand-over to its thread.
 */
export const PIECE_BYTES = 1024 * 1024;

/**
 * The archive as a stream. `openTable(i)` returns the COPY text of header table `i` (already
 * filtered to the tenant); every line is checked before it is passed on.
 */
export function writeTenantArchive(header: ArchiveHeader, openTable: (index: number) => Promise<AsyncIterable<Buffer>>): Readable {
  return Readable.from(inPieces(generate(header, openTable)), { objectMode: false });
}

/**
 * `source` gathered into pieces of PIECE_BYTES. An archive is made of small parts (a table's
 * marker is a few bytes); each piece costs every stage after it a call, and the compressor a
 * hand-over to its thread, which costs far more than copying the bytes.
 */
async function* inPieces(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let size = 0;
  for await (const part of source) {
    parts.push(part);
    size += part.length;
    if (size >= PIECE_BYTES) {
      yield parts.length === 1 ? parts[0] : Buffer.concat(parts, size);
      parts = [];
      size = 0;
    }
  }
  if (size > 0) yield Buffer.concat(parts, size);
}

async function* generate(header: ArchiveHeader, openTable: (index: number) => Promise<AsyncIterable<Buffer>>): AsyncGenerator<Buffer> {
  yield Buffer.from(`${ARCHIVE_MAGIC}\n${JSON.stringify(header)}\n`);
  const expected = Buffer.from(copyText(header.tenantId));
  for (const [index, table] of header.tables.entries()) {
    yield Buffer.from(`TABLE ${index}\n`);
    const column = tenantColumnIndex(table, header.tenantColumn);
    let rows = 0;
    let partial = Buffer.alloc(0);
    for await (const chunk of await openTable(index)) {
      const data = partial.length ? Buffer.concat([partial, chunk]) : chunk;
      let start = 0;
      for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a, start)) {
        const field = fieldAt(data.subarray(start, nl), column);
        if (!field.equals(expected)) throw foreignRow(table, header.tenantId, field.toString());
        rows++;
        start = nl + 1;
      }
      partial = Buffer.from(data.subarray(start));
      yield chunk;
    }
    if (partial.length) throw new LifeboatError('BACKUP_FAILED', `the export of ${qualified(table)} ended in the middle of a row`);
    if (rows !== table.rows) {
      throw new LifeboatError('BACKUP_FAILED', `the export of ${qualified(table)} for tenant ${header.tenantId} gave ${rows} rows where ${table.rows} were counted in the same snapshot`);
    }
    yield Buffer.from(`${END}\n`);
  }
}

export interface ArchiveSection {
  index: number;
  table: ArchiveTable;
  /** The table's rows, as COPY text lines without their newline; must be read to the end before the next section. */
  rows: AsyncGenerator<string>;
}

/** Reads an archive: its header, then each table's rows in order, checking tenant and counts. */
export async function readTenantArchive(source: Readable): Promise<{ header: ArchiveHeader; sections: AsyncGenerator<ArchiveSection> }> {
  const lines = createInterface({ input: source, crlfDelay: Infinity })[Symbol.asyncIterator]();
  const next = async (what: string): Promise<string> => {
    const r = await lines.next();
    if (r.done) throw new LifeboatError('TRUNCATED', `the tenant archive ends before ${what}`);
    return r.value;
  };
  if ((await next('its first line')) !== ARCHIVE_MAGIC) throw new LifeboatError('MANIFEST_INVALID', 'not a Lifeboat tenant archive');
  let header: ArchiveHeader;
  try {
    header = JSON.parse(await next('its header')) as ArchiveHeader;
  } catch (err) {
    if (err instanceof LifeboatError) throw err;
    throw new LifeboatError('MANIFEST_INVALID', 'the tenant archive header is not JSON');
  }
  async function* sections(): AsyncGenerator<ArchiveSection> {
    const expected = copyText(header.tenantId);
    for (const [index, table] of header.tables.entries()) {
      const marker = await next(`table ${qualified(table)}`);
      if (marker !== `TABLE ${index}`) throw new LifeboatError('MANIFEST_INVALID', `expected table ${index} of the tenant archive, found "${marker.slice(0, 40)}"`);
      const column = tenantColumnIndex(table, header.tenantColumn);
      let done = false;
      async function* rows(): AsyncGenerator<string> {
        let count = 0;
        for (;;) {
          const line = await next(`the end of table ${qualified(table)}`);
          if (line === END) break;
          const field = fieldAt(Buffer.from(line), column).toString();
          if (field !== expected) throw new LifeboatError('RESTORE_FAILED', `the archive of tenant ${header.tenantId} holds a row of tenant ${field} in ${qualified(table)}`);
          count++;
          yield line;
        }
        if (count !== table.rows) throw new LifeboatError('TRUNCATED', `table ${qualified(table)} of the tenant archive holds ${count} rows, its header says ${table.rows}`);
        done = true;
      }
      yield { index, table, rows: rows() };
      if (!done) throw new LifeboatError('INTERNAL', `the rows of ${qualified(table)} were not read to the end`);
    }
  }
  return { header, sections: sections() };
}
