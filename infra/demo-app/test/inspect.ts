/** Catalog queries the demo-app tests share: foreign keys, table checksums, orphaned rows. */
import { type Client } from 'pg';

export interface ForeignKey {
  name: string;
  child: string;
  parent: string;
  childColumns: string[];
  parentColumns: string[];
}

/** Every foreign key of the current schema, with its columns in key order. */
export async function foreignKeys(client: Client): Promise<ForeignKey[]> {
  const { rows } = await client.query<{ name: string; child: string; parent: string; child_columns: string[]; parent_columns: string[] }>(`
    select c.conname as name, c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent,
           array(select a.attname from unnest(c.conkey) with ordinality k(n, i) join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.n order by k.i)::text[] as child_columns,
           array(select a.attname from unnest(c.confkey) with ordinality k(n, i) join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.n order by k.i)::text[] as parent_columns
    from pg_constraint c
    where c.contype = 'f' and c.connamespace = current_schema()::regnamespace
    order by 1`);
  return rows.map((r) => ({ name: r.name, child: r.child, parent: r.parent, childColumns: r.child_columns, parentColumns: r.parent_columns }));
}

/** md5 of each table's rows as text, in primary-key order. */
export async function checksums(client: Client, tables: readonly string[]): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const table of tables) {
    const { rows: key } = await client.query<{ columns: string }>(
      `select string_agg(quote_ident(a.attname), ', ' order by k.i) as columns
       from pg_index x cross join unnest(x.indkey) with ordinality k(n, i) join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.n
       where x.indrelid = $1::regclass and x.indisprimary`,
      [table],
    );
    const { rows } = await client.query<{ md5: string | null }>(`select md5(string_agg(t::text, ',' order by ${key[0].columns})) as md5 from ${table} t`);
    result[table] = rows[0].md5 ?? '(empty)';
  }
  return result;
}

/** For each foreign key, how many rows point at a parent that does not exist (MATCH SIMPLE). */
export async function orphans(client: Client): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const fk of await foreignKeys(client)) {
    const present = fk.childColumns.map((c) => `c.${c} is not null`).join(' and ');
    const joined = fk.childColumns.map((c, i) => `p.${fk.parentColumns[i]} = c.${c}`).join(' and ');
    const { rows } = await client.query<{ n: string }>(`select count(*) as n from ${fk.child} c where ${present} and not exists (select from ${fk.parent} p where ${joined})`);
    result[fk.name] = Number(rows[0].n);
  }
  return result;
}
