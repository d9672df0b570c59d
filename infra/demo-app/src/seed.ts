/**
 * Fills the demo database with generated tenants, streaming rows through COPY ... FROM STDIN.
 * Tenants are generated in batches of about BATCH_ROWS rows; each batch is copied table by table
 * in foreign-key order, so memory stays bounded whatever the number of tenants or the scale.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { copyRow, type CopyValue } from './copy-text';
import { inTransaction, withClient } from './client';
import { applySchema, assertBypassesRls, TENANT_TABLES } from './schema';
import { generateTenant, IDENTITY_TABLES, isIdentityTable, SEED_COLUMNS, tenantId, type IdentityTable, type RowSink, type SeedTable } from './tenant-data';

export interface SeedOptions {
  /** How many tenants to add. */
  tenants: number;
  /** Multiplies every tenant's row counts; 1 gives a few hundred rows per table per tenant. Default 1. */
  scale?: number;
  /** The same seed, tenants, scale and asOf give the same rows. Default 42. */
  seed?: number;
  /** The number of the first tenant added (1 is `t0001`). Default 1. */
  firstTenant?: number;
  /** Generated times lie in the two years before this. Default: today, 00:00 UTC. */
  asOf?: Date;
}

export interface SeedReport {
  /** The ids of the first and last tenants added. */
  firstTenant: string;
  lastTenant: string;
  rows: Record<SeedTable, number>;
  totalRows: number;
  elapsedMs: number;
}

const BATCH_ROWS = 100_000;
const CHUNK_BYTES = 64 * 1024;
const COPY_ORDER: readonly SeedTable[] = ['tenants', ...TENANT_TABLES.filter((t): t is Exclude<typeof t, 'load_marks'> => t !== 'load_marks')];

/** A table's rows as COPY text, written into buffers of CHUNK_BYTES (kept off the JS heap). */
class TableChunks {
  readonly full: Buffer[] = [];
  private current = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;
  rows = 0;

  add(line: string): void {
    // A UTF-16 code unit never takes more than three UTF-8 bytes.
    if (this.used + line.length * 3 > this.current.length) {
      this.full.push(this.current.subarray(0, this.used));
      this.current = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, line.length * 3));
      this.used = 0;
    }
    this.used += this.current.write(line, this.used);
    this.rows++;
  }

  chunks(): Buffer[] {
    return this.used > 0 ? [...this.full, this.current.subarray(0, this.used)] : this.full;
  }
}

/** One batch of rows, per table; numbers identity rows from `lastIds`, which it advances. */
class CopyBatch implements RowSink {
  readonly tables = new Map<SeedTable, TableChunks>();
  size = 0;

  constructor(private readonly lastIds: Record<IdentityTable, number>) {}

  row(table: SeedTable, values: CopyValue[]): void {
    let chunks = this.tables.get(table);
    if (!chunks) this.tables.set(table, (chunks = new TableChunks()));
    chunks.add(copyRow(isIdentityTable(table) ? [++this.lastIds[table], ...values] : values));
    this.size++;
  }
}

/**
 * Adds `tenants` tenants, numbered from `firstTenant`, in one transaction: on failure nothing is
 * added. Creates the schema first when missing. Fails, adding nothing, when one of the tenant ids
 * exists. Needs a role that bypasses row-level security (a superuser or BYPASSRLS); writers to the
 * identity-keyed tables wait until it commits, because it numbers their ids itself.
 */
export async function seedDemo(databaseUrl: string, options: SeedOptions): Promise<SeedReport> {
  const started = Date.now();
  const scale = options.scale ?? 1;
  const seed = options.seed ?? 42;
  const first = options.firstTenant ?? 1;
  const asOf = options.asOf ?? startOfUtcDay(new Date());
  if (!Number.isInteger(options.tenants) || options.tenants < 1) throw new RangeError(`tenants must be a positive integer, not ${options.tenants}`);
  if (!Number.isInteger(first) || first < 1) throw new RangeError(`firstTenant must be a positive integer, not ${first}`);
  if (!(scale > 0)) throw new RangeError(`scale must be positive, not ${scale}`);

  const rows = Object.fromEntries(COPY_ORDER.map((t) => [t, 0])) as Record<SeedTable, number>;
  await withClient(databaseUrl, async (client) => {
    const { superuser } = await assertBypassesRls(client, 'seeding');
    await applySchema(databaseUrl);
    await inTransaction(client, async () => {
      await client.query(`lock table ${IDENTITY_TABLES.join(', ')} in exclusive mode`);
      // Per-row foreign-key triggers cost three quarters of the load time. The rows reference
      // only rows of their own tenant generated with them, so a superuser loads them as
      // pg_restore --disable-triggers does; unique keys are still enforced, and the tests check
      // every foreign key of generated data.
      if (superuser) await client.query('set local session_replication_role = replica');
      const ids = Array.from({ length: options.tenants }, (_, i) => tenantId(first + i));
      const taken = await client.query<{ id: string }>('select id from tenants where id = any($1) order by id limit 1', [ids]);
      if (taken.rows.length > 0) throw new Error(`tenant ${taken.rows[0].id} already exists. HINT: add tenants after the last one with firstTenant (--first-tenant), or reset the database.`);
      const lastIds = {} as Record<IdentityTable, number>;
      for (const t of IDENTITY_TABLES) lastIds[t] = await lastIdentity(client, t);

      // Batch k is copied while batch k+1 is generated: the generator yields to the event loop
      // after each tenant so the COPY stream keeps the server busy.
      let copying: Promise<void> = Promise.resolve();
      let batch = new CopyBatch(lastIds);
      for (let n = first; n < first + options.tenants; n++) {
        generateTenant(batch, { seed, tenantNumber: n, scale, asOf });
        if (batch.size >= BATCH_ROWS) {
          await copying;
          copying = copyBatch(client, batch, rows);
          // Handled when awaited above or below; this only stops an early failure from being
          // reported as unhandled while the next batch is generated.
          copying.catch(() => undefined);
          batch = new CopyBatch(lastIds);
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
      await copying;
      await copyBatch(client, batch, rows);
      for (const t of IDENTITY_TABLES) {
        if (lastIds[t] > 0) await client.query(`select setval(pg_get_serial_sequence($1, 'id'), $2)`, [t, lastIds[t]]);
      }
    });
    // Fresh statistics, so that the write load and the exporters get sensible plans at once.
    await client.query(`analyze ${COPY_ORDER.join(', ')}`);
  });
  return {
    firstTenant: tenantId(first),
    lastTenant: tenantId(first + options.tenants - 1),
    rows,
    totalRows: Object.values(rows).reduce((a, b) => a + b, 0),
    elapsedMs: Date.now() - started,
  };
}

function startOfUtcDay(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

/** The highest id used so far, by a row or by the sequence, so seeded ids never collide. */
async function lastIdentity(client: Client, table: IdentityTable): Promise<number> {
  const { rows } = await client.query<{ last: string }>(
    `select greatest((select coalesce(max(id), 0) from ${table}), coalesce(pg_sequence_last_value(pg_get_serial_sequence($1, 'id')::regclass), 0)) as last`,
    [table],
  );
  return Number(rows[0].last);
}

async function copyBatch(client: Client, batch: CopyBatch, rows: Record<SeedTable, number>): Promise<void> {
  for (const table of COPY_ORDER) {
    const chunks = batch.tables.get(table);
    if (!chunks) continue;
    const columns = isIdentityTable(table) ? ['id', ...SEED_COLUMNS[table]] : SEED_COLUMNS[table];
    await pipeline(Readable.from(chunks.chunks()), client.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin`)));
    rows[table] += chunks.rows;
  }
}
