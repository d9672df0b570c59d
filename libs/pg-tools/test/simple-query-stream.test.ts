import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { createTempDatabase, type TempDatabase } from '@lifeboat/testkit';
import { SimpleQueryStream, type SimpleQueryEvent } from '../src/index';

let db: TempDatabase;

before(async () => {
  db = await createTempDatabase('simple_query');
  const c = new Client({ connectionString: db.url });
  await c.connect();
  await c.query(`create table item (id int primary key, name text, note text);
                 insert into item select i, 'item ' || i || repeat('x', i % 50), case when i % 3 = 0 then null else E'tab\\there' end from generate_series(1, 20000) i;`);
  await c.end();
});

after(async () => {
  await db.drop();
});

async function withClient<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: db.url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** The events, with each COPY's data joined into one string. */
async function collect(sut: SimpleQueryStream, delayMs = 0): Promise<(SimpleQueryEvent | { kind: 'text'; text: string })[]> {
  const out: (SimpleQueryEvent | { kind: 'text'; text: string })[] = [];
  let text: Buffer[] | undefined;
  for await (const e of sut as AsyncIterable<SimpleQueryEvent>) {
    if (delayMs) await sleep(delayMs);
    if (e.kind === 'data') (text ??= []).push(e.chunk);
    else {
      if (text) out.push({ kind: 'text', text: Buffer.concat(text).toString() });
      text = undefined;
      out.push(e);
    }
  }
  return out;
}

test('statements sent at once come back in order: rows, COPY data as COPY writes it, each completion; the client is usable after', async () => {
  await withClient(async (c) => {
    const expected = (await c.query<{ line: string }>(`select id || E'\\t' || name || E'\\t' || coalesce(replace(note, E'\\t', E'\\\\t'), E'\\\\N') as line from item order by id`)).rows
      .map((r) => `${r.line}\n`)
      .join('');
    const sut = c.query(new SimpleQueryStream(`begin; select 1, null::text, 'é'; copy (select * from item order by id) to stdout; copy (select * from item where false) to stdout; commit`));
    const events = await collect(sut);
    assert.deepEqual(events, [
      { kind: 'done', tag: 'BEGIN' },
      { kind: 'row', values: ['1', null, 'é'] },
      { kind: 'done', tag: 'SELECT 1' },
      { kind: 'copy' },
      { kind: 'text', text: expected },
      { kind: 'done', tag: 'COPY 20000' },
      { kind: 'copy' },
      { kind: 'done', tag: 'COPY 0' },
      { kind: 'done', tag: 'COMMIT' },
    ]);
    assert.equal((await c.query('select 2 as n')).rows[0].n, 2);
  });
});

test('a row larger than many socket reads comes through whole, in pieces', async () => {
  await withClient(async (c) => {
    const sut = c.query(new SimpleQueryStream(`copy (select repeat('x', 5000000), 'end') to stdout; select 'after'`));
    const events = await collect(sut);
    assert.deepEqual(events, [
      { kind: 'copy' },
      { kind: 'text', text: `${'x'.repeat(5_000_000)}\tend\n` },
      { kind: 'done', tag: 'COPY 1' },
      { kind: 'row', values: ['after'] },
      { kind: 'done', tag: 'SELECT 1' },
    ]);
  });
});

test('a reader that lags gets every byte (the socket waits for it)', async () => {
  await withClient(async (c) => {
    const sut = c.query(new SimpleQueryStream('copy (select * from item order by id) to stdout'));
    const events = await collect(sut, 1);
    const text = events.find((e) => e.kind === 'text');
    assert.ok(text && text.kind === 'text');
    assert.equal(text.text.split('\n').length - 1, 20000);
  });
});

test("the server's error ends the stream with it, and the client goes on", async () => {
  await withClient(async (c) => {
    const sut = c.query(new SimpleQueryStream('select 1; copy (select * from missing_table) to stdout; select 2'));
    await assert.rejects(collect(sut), /missing_table/);
    assert.equal((await c.query('select 3 as n')).rows[0].n, 3);
  });
});

test('a stream given up mid-way closes its connection rather than leave it mid-response', async () => {
  await withClient(async (c) => {
    const errors: Error[] = [];
    c.on('error', (err) => errors.push(err));
    const sut = c.query(new SimpleQueryStream('copy (select * from item order by id) to stdout'));
    for await (const e of sut as AsyncIterable<SimpleQueryEvent>) if (e.kind === 'data') break;
    await assert.rejects(c.query('select 1'));
    assert.match(errors.map((e) => e.message).join(), /terminated/);
  });
});
