import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { Migration } from '@mikro-orm/migrations';
import { createTempDatabase, type TempDatabase, uniqueName, dropDatabase, urlFor, withAdmin } from '@lifeboat/testkit';
import { type EntityManager, MikroOrmInbox, openDatabase, schemaDrift, type MikroORM } from '../src/index';

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
  const widget = (id: string, name: string) => async (em: EntityManager) => void em.persist(em.create(Widget, { id, name }));
  const first = await sut.onceEach('c1', [
    { eventId: 'e1', fn: widget('w1', 'first') },
    { eventId: 'e9', fn: widget('w9', 'ninth') },
    { eventId: 'e1', fn: widget('w2', 'twice in one batch') },
  ]);
  const again = await sut.onceEach('c1', [
    { eventId: 'e1', fn: widget('w2', 'again') },
    { eventId: 'e8', fn: widget('w8', 'eighth') },
  ]);
  const otherConsumer = await sut.onceEach('c2', [{ eventId: 'e1', fn: async () => {} }]);
  assert.deepEqual([first, again, otherConsumer], [[true, true, false], [false, true], [true]]);
  const names = (await orm.em.fork().find(Widget, {}, { orderBy: { id: 'asc' } })).map((w) => w.name);
  assert.deepEqual(names, ['first', 'eighth', 'ninth']);
});

test('a handler that throws records nothing of its batch, so each event is handled when redelivered', async () => {
  const sut = new MikroOrmInbox(orm);
  await assert.rejects(
    sut.onceEach('c1', [
      { eventId: 'e2', fn: async (em) => void em.persist(em.create(Widget, { id: 'w3', name: 'lost' })) },
      {
        eventId: 'e3',
        fn: async (em) => {
          em.persist(em.create(Widget, { id: 'w4', name: 'lost too' }));
          await em.flush();
          throw new Error('boom');
        },
      },
    ]),
    /boom/,
  );
  assert.equal(await orm.em.fork().count(Widget, { id: { $in: ['w3', 'w4'] } }), 0);
  assert.deepEqual(await sut.onceEach('c1', [{ eventId: 'e2', fn: async () => {} }, { eventId: 'e3', fn: async () => {} }]), [true, true]);
});
