import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ArrayType, BigIntType, Entity, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { Migration } from '@mikro-orm/migrations';
import { createTempDatabase, type TempDatabase } from '@lifeboat/testkit';
import { type MikroORM, insertRow, openDatabase, updateRow } from '../src/index';

@Entity({ tableName: 'gadget' })
class Gadget {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'string', length: 20 })
  status: string & Opt = 'NEW';

  @Property({ type: new BigIntType('number'), nullable: true })
  sizeBytes: number | null = null;

  @Property({ type: ArrayType })
  warnings: string[] & Opt = [];

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  seenAt: Date | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true, onUpdate: () => new Date() })
  updatedAt: Date | null = null;

  @Property({ type: 'string', persist: false })
  transient: string & Opt = 'not stored';
}

class Migration20260101000000_gadget extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "gadget" ("id" uuid not null, "status" varchar(20) not null, "size_bytes" bigint null, "warnings" text[] not null, "seen_at" timestamptz null, "updated_at" timestamptz null, constraint "gadget_pkey" primary key ("id"));`,
    );
  }
}

let db: TempDatabase;
let orm: MikroORM;

before(async () => {
  db = await createTempDatabase('rows');
  orm = await openDatabase({ url: db.url, schema: 'gadgets', entities: [Gadget], migrations: [{ name: 'Migration20260101000000_gadget', class: Migration20260101000000_gadget }] });
});

after(async () => {
  await orm.close(true);
  await db.drop();
});

const ID = '00000000-0000-4000-8000-000000000001';

test('insertRow writes every stored property of an entity, its defaults included, as the ORM reads it back', async () => {
  const em = orm.em.fork();
  await insertRow(em, Gadget, em.create(Gadget, { id: ID, sizeBytes: 2 ** 40 }));
  const read = await orm.em.fork().findOneOrFail(Gadget, { id: ID });
  assert.deepEqual({ status: read.status, sizeBytes: read.sizeBytes, warnings: read.warnings, seenAt: read.seenAt }, { status: 'NEW', sizeBytes: 2 ** 40, warnings: [], seenAt: null });
});

test('updateRow sets only the properties given, converted by their types, and says how many rows it changed', async () => {
  const at = new Date('2026-11-27T12:34:56.789Z');
  const changed = await updateRow(orm.em.fork(), Gadget, ID, { status: 'DONE', warnings: ['a, b', 'c "d"'], seenAt: at, sizeBytes: undefined });
  const read = await orm.em.fork().findOneOrFail(Gadget, { id: ID });
  assert.equal(changed, 1);
  assert.deepEqual({ status: read.status, sizeBytes: read.sizeBytes, warnings: read.warnings, seenAt: read.seenAt }, { status: 'DONE', sizeBytes: 2 ** 40, warnings: ['a, b', 'c "d"'], seenAt: at });
  assert.equal(await updateRow(orm.em.fork(), Gadget, '00000000-0000-4000-8000-000000000002', { status: 'DONE' }), 0);
});

test('updateRow also sets what the ORM sets on every update (onUpdate), unless the changes give it', async () => {
  const before = Date.now();
  await updateRow(orm.em.fork(), Gadget, ID, { status: 'STAMPED' });
  const stamped = (await orm.em.fork().findOneOrFail(Gadget, { id: ID })).updatedAt;
  assert.ok(stamped && stamped.getTime() >= before - 1000, `updatedAt ${stamped?.toISOString()}`);
  const given = new Date('2026-01-01T00:00:00.000Z');
  await updateRow(orm.em.fork(), Gadget, ID, { status: 'DONE', updatedAt: given });
  assert.deepEqual((await orm.em.fork().findOneOrFail(Gadget, { id: ID })).updatedAt, given);
});

test('updateRow refuses a property that is not stored, before writing anything', async () => {
  await assert.rejects(updateRow(orm.em.fork(), Gadget, ID, { status: 'LOST', transient: 'x' }), (err: Error & { code?: string }) => err.code === 'INTERNAL' && /Gadget\.transient/.test(err.message));
  assert.equal((await orm.em.fork().findOneOrFail(Gadget, { id: ID })).status, 'DONE');
});
