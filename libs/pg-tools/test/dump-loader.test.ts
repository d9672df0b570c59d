import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LifeboatError } from '@lifeboat/errors';
import { createTempDatabase, eventually, type TempDatabase, withAdmin } from '@lifeboat/testkit';
import { DumpLoader, StreamedRestore, countRows, pgDump, pgRestore, quoteIdent } from '../src/index';

let source: TempDatabase;
let work: string;
/** The source's dump, as Lifeboat makes it (pg_dump to a pipe, --compress=0). */
let dumpFile: string;

before(async () => {
  source = await createTempDatabase('loader_src');
  work = await mkdtemp(join(tmpdir(), 'lifeboat-loader-'));
  await withAdmin(async (c) => {
    await c.query(`
      create schema app;
      create sequence app.counter start 100;
      select setval('app.counter', 4242);
      create function app.touch() returns trigger language plpgsql as $$ begin new.note := coalesce(new.note, 'touched'); return new; end $$;
      create table app.items (
        id bigint generated always as identity primary key,
        name text not null,
        note text,
        data bytea,
        price numeric(12, 2),
        tags text[],
        doc jsonb,
        twice numeric generated always as (price * 2) stored
      );
      comment on table app.items is 'items, with a comment';
      create trigger items_touch before insert on app.items for each row execute function app.touch();
      alter table app.items enable row level security;
      create policy items_all on app.items using (true);
      grant select on app.items to public;
      create table app.lines (id serial primary key, item_id bigint not null references app.items, qty int check (qty > 0));
      create index lines_item on app.lines (item_id);
      create table app.empty (id int);
      create table app.big_rows (id int primary key, body text);
      create table app.events (id int, at date not null) partition by range (at);
      create table app.events_2025 partition of app.events for values from ('2025-01-01') to ('2026-01-01');
      create table app.events_2026 partition of app.events for values from ('2026-01-01') to ('2027-01-01');
      create view app.item_names as select id, name from app.items;
    `);
    // Text that COPY must escape (tabs, newlines, backslashes), other scripts, NULLs, bytes, arrays, JSON.
    await c.query(`
      insert into app.items (name, note, data, price, tags, doc)
      select 'item ' || g || E'\\twith a tab, a backslash \\\\ and\\na newline',
             case when g % 5 = 0 then null else 'ñandú, 東京, ' || repeat(md5(g::text), g % 4) end,
             decode(md5(g::text), 'hex'),
             g * 1.25,
             array['a' || g, null, 'c'],
             jsonb_build_object('n', g, 'nested', jsonb_build_object('q', E'quote " and \\\\'))
        from generate_series(1, 5000) g`);
    await c.query('insert into app.lines (item_id, qty) select 1 + g % 5000, 1 + g % 9 from generate_series(1, 20000) g');
    // Rows far longer than the loader's batches in the tests (16 and 64 KiB).
    await c.query(`insert into app.big_rows select g, repeat(md5(g::text), 10000 * g) from generate_series(1, 3) g`);
    await c.query(`insert into app.events select g, date '2025-06-01' + g from generate_series(1, 400) g`);
    await c.query('create materialized view app.item_count as select count(*) as n from app.items');
    await c.query(`select lo_from_bytea(0, convert_to(repeat('large object ', 20000), 'UTF8'))`);
    await c.query(`select lo_from_bytea(0, '\\x00ff00ff'::bytea)`);
  }, source.url);
  dumpFile = join(work, 'source.dump');
  await pipeline(pgDump({ databaseUrl: source.url }), createWriteStream(dumpFile));
});

after(async () => {
  await source?.drop();
  if (work) await rm(work, { recursive: true, force: true });
});

/** The dump in pieces of `size` bytes, to cut integers, rows and blocks everywhere. */
async function* piecesOf(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

/** A loader into `target` that makes the schema from the dump's TOC first (as StreamedRestore does), then runs `afterSchema`. */
function loaderInto(target: TempDatabase, options: { connections: number; batchBytes?: number; afterSchema?: () => Promise<unknown> }): DumpLoader {
  const tocFile = join(work, `${target.name}.toc`);
  return new DumpLoader({
    databaseUrl: target.url,
    connections: options.connections,
    batchBytes: options.batchBytes,
    beforeData: async (_toc, head) => {
      await writeFile(tocFile, head);
      await pgRestore({ databaseUrl: target.url, dumpFile: tocFile, jobs: 1, sections: ['pre-data'] });
      await options.afterSchema?.();
    },
  });
}

/** What must be the same in a database and its restored copy: schema, rows, sequences, large objects, views. */
async function contentOf(url: string): Promise<Record<string, unknown>> {
  // pg_dump's \restrict lines carry a random key of each run.
  const schema = execFileSync('pg_dump', ['--schema-only', `--dbname=${url}`], { encoding: 'utf8' }).replace(/^\\(un)?restrict .*$/gm, '');
  return withAdmin(async (c) => {
    const tables: Record<string, string> = {};
    for (const t of await countRows(c)) {
      const name = `${quoteIdent(t.schema)}.${quoteIdent(t.table)}`;
      const { rows } = await c.query<{ digest: string }>(`select md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) as digest from ${name} t`);
      tables[name] = `${t.rows} rows, ${rows[0].digest}`;
    }
    const sequences = (await c.query('select schemaname, sequencename, last_value from pg_sequences order by 1, 2')).rows;
    const largeObjects = (await c.query('select oid::text, md5(lo_get(oid)) from pg_largeobject_metadata order by 1')).rows;
    const view = (await c.query('select n from app.item_count')).rows;
    return { schema, tables, sequences, largeObjects, view };
  }, url);
}

test('a dump streamed in, cut anywhere, makes the same database as its source: schema, rows, sequences, large objects', async () => {
  const bytes = await readFile(dumpFile);
  const expected = await contentOf(source.url);
  const sourceRows = await withAdmin(countRows, source.url);
  for (const size of [7, 65536]) {
    const target = await createTempDatabase('loader_dst');
    try {
      // Small batches: rows longer than a batch, and tables spread over every connection.
      const restore = new StreamedRestore({ databaseUrl: target.url, jobs: 3, batchBytes: 64 * 1024, tocFile: join(work, 'toc.dump'), listFile: join(work, 'toc.list') });
      await pipeline(Readable.from(piecesOf(bytes, size)), restore.sink());
      await restore.finish();
      await restore.cleanup();
      assert.deepEqual(await contentOf(target.url), expected, `pieces of ${size} bytes`);
      const loaded = restore.loaded!;
      assert.deepEqual(
        [...loaded.tables].sort((a, b) => `${a.schema}.${a.table}`.localeCompare(`${b.schema}.${b.table}`)),
        sourceRows.map((t) => ({ schema: t.schema, table: t.table, rows: t.rows })),
        'the rows the server stored, table by table',
      );
      assert.equal(loaded.largeObjects, 2);
    } finally {
      await target.drop();
    }
  }
});

test('rows longer than a batch stay whole, and a table larger than a batch is shared among the connections', async () => {
  const target = await createTempDatabase('loader_batches');
  try {
    const loader = loaderInto(target, { connections: 3, batchBytes: 16 * 1024 });
    await pipeline(createReadStream(dumpFile), loader);
    const bodies = await withAdmin((c) => c.query<{ id: number; n: number; ok: boolean }>(`select id, length(body) as n, body = repeat(md5(id::text), 10000 * id) as ok from app.big_rows order by id`), target.url);
    assert.deepEqual(bodies.rows, [1, 2, 3].map((id) => ({ id, n: 320000 * id, ok: true })));
    // Each connection's COPY of a table is a transaction of its own: the transactions that wrote
    // the rows. app.big_rows is the dump's first table, so every connection is free when its rows
    // arrive: each of its long rows starts on the next connection in turn (which connection takes
    // a later table's batches depends on which is ready first).
    const writers = await withAdmin((c) => c.query<{ n: string }>('select count(distinct xmin::text) as n from app.big_rows'), target.url);
    assert.equal(Number(writers.rows[0].n), 3, `app.big_rows written by ${writers.rows[0].n} COPY commands`);
  } finally {
    await target.drop();
  }
});

test('a target that refuses the rows fails the load, naming the table, and keeps no connection open', async () => {
  const target = await createTempDatabase('loader_refused');
  try {
    const loader = loaderInto(target, { connections: 2, afterSchema: () => withAdmin((c) => c.query('alter table app.lines add constraint few check (qty < 5)'), target.url) });
    await assert.rejects(pipeline(createReadStream(dumpFile), loader), (err: unknown) => {
      assert.ok(err instanceof LifeboatError, String(err));
      assert.equal(err.code, 'RESTORE_FAILED');
      assert.match(err.message, /loading app\.lines: .*violates check constraint "few"/);
      return true;
    });
    await eventually('the loading connections closed', async () => {
      const { rows } = await withAdmin((c) => c.query<{ n: string }>(`select count(*) as n from pg_stat_activity where datname = $1 and application_name = 'lifeboat-restore'`, [target.name]));
      return rows[0].n === '0';
    });
  } finally {
    await target.drop();
  }
});

test('what is not a whole custom-format dump of Lifeboat is refused with the reason', async () => {
  const bytes = await readFile(dumpFile);
  const compressed = execFileSync('pg_dump', ['--format=custom', '--compress=6', `--dbname=${source.url}`]);
  const cases: [string, Buffer, RegExp][] = [
    ['not a dump', Buffer.from('hello, this is not a dump at all'), /not a custom-format dump/],
    ['a plain SQL dump', execFileSync('pg_dump', ['--format=plain', '--schema-only', `--dbname=${source.url}`]), /not a custom-format dump/],
    ['a dump compressed by pg_dump', compressed, /compressed its data blocks/],
    ['a dump cut in its table of contents', bytes.subarray(0, 300), /ended before its table of contents/],
    ['a dump cut in its data', bytes.subarray(0, bytes.length - 10), /ended inside a data block/],
  ];
  for (const [what, input, reason] of cases) {
    const target = await createTempDatabase('loader_odd');
    try {
      await assert.rejects(pipeline(Readable.from(piecesOf(input, 4096)), loaderInto(target, { connections: 1 })), (err: unknown) => {
        assert.ok(err instanceof LifeboatError && err.code === 'RESTORE_FAILED', `${what}: ${String(err)}`);
        assert.match(err.message, reason, what);
        return true;
      });
    } finally {
      await target.drop();
    }
  }
});
