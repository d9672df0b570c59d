import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { Migration } from '@mikro-orm/migrations';
import { createTempDatabase, type TempDatabase, uniqueName, dropDatabase, urlFor, withAdmin } from '@lifeboat/testkit';
import { MikroOrmInbox, openDatabase, schemaDrift, type MikroORM } from '../src/index';

@Entity({ tableName: 'widget' })
class Widget {
  @PrimaryKey({ type: 'string' })
  id!: string;

  @Property({ type: 'string' })
  name!: string;
}

class Migration20260101000000_widget extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "widget" ("id" varchar(255) not null, "name" varchar(255) not null, constraint "widget_pkey" primary key ("id"));`);
  }
}

const options = (url: string) => ({
  url,
  schema: 'widgets',
  entities: [Widget],
  migrations: [{ name: 'Migration20260101000000_widget', class: Migration20260101000000_widget }],
});

let db: TempDatabase;
let orm: MikroORM;

before(async () => {
  db = await createTempDatabase('db');
  orm = await openDatabase(options(db.url));
});

after(async () => {
  await orm.close(true);
  await db.drop();
});

test('the database is created when missing, and replicas starting together migrate once', async () => {
  const name = uniqueName('create');
  try {
    const orms = await Promise.all([openDatabase(options(urlFor(name))), openDatabase(options(urlFor(name)))]);
    const rows = await orms[0].em.getConnection().execute<{ name: string }[]>('select name from widgets.mikro_orm_migrations order by id');
    assert.deepEqual(
      rows.map((r) => r.name),
      ['Migration20261127000000_handled_events', 'Migration20260101000000_widget'],
    );
    await Promise.all(orms.map((o) => o.close(true)));
  } finally {
    await dropDatabase(name);
  }
});

test('the committed migrations match the entities', async () => {
  assert.equal(await schemaDrift(orm), '');
});

test('tables live in the service schema only', async () => {
  const tables = await withAdmin(
    async (c) => (await c.query(`select table_schema, table_name from information_schema.tables where table_schema not in ('pg_catalog','information_schema') order by 2`)).rows,
    db.url,
  );
  assert.deepEqual(
    tables.map((t: { table_schema: string; table_name: string }) => `${t.table_schema}.${t.table_name}`),
    ['widgets.handled_event', 'widgets.mikro_orm_migrations', 'widgets.widget'],
  );
});

test('the inbox runs a handler once per event id, committing its work with the id', async () => {
  const sut = new MikroOrmInbox(orm);
  const first = await sut.once('c1', 'e1', async (em) => void em.persist(em.create(Widget, { id: 'w1', name: 'first' })));
  const again = await sut.once('c1', 'e1', async (em) => void em.persist(em.create(Widget, { id: 'w2', name: 'again' })));
  const otherConsumer = await sut.once('c2', 'e1', async () => {});
  assert.deepEqual([first, again, otherConsumer], [true, false, true]);
  const names = (await orm.em.fork().find(Widget, {})).map((w) => w.name);
  assert.deepEqual(names, ['first']);
});

test('a handler that throws records nothing, so the event is handled when redelivered', async () => {
  const sut = new MikroOrmInbox(orm);
  await assert.rejects(
    sut.once('c1', 'e2', async (em) => {
      em.persist(em.create(Widget, { id: 'w3', name: 'lost' }));
      await em.flush();
      throw new Error('boom');
    }),
    /boom/,
  );
  assert.equal(await orm.em.fork().count(Widget, { id: 'w3' }), 0);
  assert.equal(await sut.once('c1', 'e2', async () => {}), true);
});
