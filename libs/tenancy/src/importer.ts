/**
 * Loads a tenant archive into the protected database, inside the caller's transaction (so that
 * on any error nothing changes), touching only that tenant's rows:
 * - FULL replaces: the tenant's rows are deleted from the archive's tables in reverse foreign-key
 *   order, then the archive's rows loaded in order;
 * - MERGE adds what is missing: rows whose key (or any unique constraint) already exists are kept
 *   as they are, and counted as kept (identical) or in conflict (different).
 * The schema may have changed since the backup: a column dropped since is left out, a new
 * column that is nullable or has a default is left to it; anything else — a table gone, a column
 * retyped, a new NOT NULL column without a default, a changed primary key for MERGE — is refused
 * by `planImport`, naming the table and column, before anything is written.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { LifeboatError } from '@lifeboat/errors';
import type { ArchiveHeader, ArchiveSection } from './archive';
import { type TenantTable, ident, qualified } from './directory';

export type TenantRestoreMode = 'FULL' | 'MERGE';

export interface TablePlan {
  table: TenantTable;
  /** Positions, in the archive's rows, of the columns loaded. */
  fields: number[];
  columns: string[];
  /** Archive columns left out because the table no longer has them. */
  dropped: string[];
}

export interface TableResult {
  rows: number;
  deleted: number;
  inserted: number;
  kept: number;
  conflicts: number;
}

export type TenantResult = Record<string, TableResult>;

export function planImport(header: ArchiveHeader, current: TenantTable[], mode: TenantRestoreMode): TablePlan[] {
  const problems: string[] = [];
  const plans: TablePlan[] = [];
  for (const archived of header.tables) {
    const table = current.find((t) => t.schema === archived.schema && t.table === archived.table);
    if (!table) {
      problems.push(`table ${qualified(archived)} no longer exists`);
      continue;
    }
    const fields: number[] = [];
    const columns: string[] = [];
    const dropped: string[] = [];
    archived.columns.forEach((col, i) => {
      const now = table.columns.find((c) => c.name === col.name);
      if (!now) dropped.push(col.name);
      else if (now.type !== col.type) problems.push(`column ${qualified(archived)}.${col.name} was ${col.type} in the backup and is ${now.type} now`);
      else {
        fields.push(i);
        columns.push(col.name);
      }
    });
    for (const c of table.columns) {
      if (!archived.columns.some((a) => a.name === c.name) && c.notNull && !c.hasDefault) {
        problems.push(`column ${qualified(table)}.${c.name} is new since the backup, NOT NULL and without a default`);
      }
    }
    if (!columns.includes(header.tenantColumn)) problems.push(`table ${qualified(table)} lost its tenant column ${header.tenantColumn}`);
    if (mode === 'MERGE' && table.primaryKey.join(',') !== archived.primaryKey.join(',')) {
      problems.push(`the primary key of ${qualified(table)} was (${archived.primaryKey.join(', ')}) in the backup and is (${table.primaryKey.join(', ')}) now`);
    }
    plans.push({ table, fields, columns, dropped });
  }
  if (problems.length) {
    throw new LifeboatError('CONFLICT', `the schema changed since the backup in ways a tenant restore cannot bridge: ${problems.join('; ')}`, {
      hint: 'restore the full backup into a new database and move the rows by hand, or bring the schema back first',
    });
  }
  return plans;
}

/**
 * Applies one tenant's archive (header, then its sections in order) with `plans` from
 * planImport. Runs in the caller's transaction; sets the tenant setting for row-level security.
 */
export async function importTenant(
  client: Client,
  header: ArchiveHeader,
  sections: AsyncGenerator<ArchiveSection>,
  plans: TablePlan[],
  options: { mode: TenantRestoreMode; tenantColumn: string; tenantSetting: string },
): Promise<TenantResult> {
  const tenantId = header.tenantId;
  const column = ident(options.tenantColumn);
  await client.query('select set_config($1, $2, true)', [options.tenantSetting, tenantId]);
  const result: TenantResult = {};
  for (const plan of plans) result[qualified(plan.table)] = { rows: 0, deleted: 0, inserted: 0, kept: 0, conflicts: 0 };

  if (options.mode === 'FULL') {
    for (const plan of [...plans].reverse()) {
      const r = await client.query(`delete from ${ident(plan.table.schema)}.${ident(plan.table.table)} where ${column} = $1`, [tenantId]);
      result[qualified(plan.table)].deleted = r.rowCount ?? 0;
    }
  }
  for await (const section of sections) {
    const plan = plans[section.index];
    const name = qualified(plan.table);
    const target = `${ident(plan.table.schema)}.${ident(plan.table.table)}`;
    const cols = plan.columns.map(ident).join(', ');
    if (options.mode === 'FULL') {
      result[name].rows = await copyRows(client, `copy ${target} (${cols}) from stdin`, section, plan);
      result[name].inserted = result[name].rows;
      continue;
    }
    const staging = ident(`lifeboat_merge_${section.index}`);
    await client.query(`create temp table ${staging} on commit drop as select ${cols} from ${target} with no data`);
    const rows = await copyRows(client, `copy ${staging} (${cols}) from stdin`, section, plan);
    const key = plan.table.primaryKey.map(ident);
    const same = plan.columns.map((c) => `s.${ident(c)} is not distinct from t.${ident(c)}`).join(' and ');
    const kept = key.length
      ? Number((await client.query<{ n: string }>(`select count(*) as n from ${staging} s join ${target} t using (${key.join(', ')}) where ${same}`)).rows[0].n)
      : 0;
    const inserted = (await client.query(`insert into ${target} (${cols}) select ${cols} from ${staging} on conflict do nothing`)).rowCount ?? 0;
    result[name] = { rows, deleted: 0, inserted, kept, conflicts: rows - inserted - kept };
  }
  return result;
}

/** Streams a section's rows into COPY FROM, keeping the planned fields, in chunks of ~64 KiB. */
async function copyRows(client: Client, sql: string, section: ArchiveSection, plan: TablePlan): Promise<number> {
  let count = 0;
  const project = plan.dropped.length > 0;
  async function* chunks(): AsyncGenerator<Buffer> {
    let batch: string[] = [];
    let size = 0;
    for await (const line of section.rows) {
      const row = project ? projectFields(line, plan.fields) : line;
      batch.push(row);
      size += row.length + 1;
      count++;
      if (size >= 65_536) {
        yield Buffer.from(`${batch.join('\n')}\n`);
        batch = [];
        size = 0;
      }
    }
    if (batch.length) yield Buffer.from(`${batch.join('\n')}\n`);
  }
  await pipeline(Readable.from(chunks()), client.query(copyFrom(sql)));
  return count;
}

function projectFields(line: string, fields: number[]): string {
  const parts = line.split('\t');
  return fields.map((i) => parts[i]).join('\t');
}
