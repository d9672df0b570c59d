/**
 * One-row INSERT and UPDATE written as SQL from an entity's metadata, for the paths a tenant job
 * runs thousands of times: MikroORM's query builder spends several times a statement's round
 * trip in CPU (measured: about 0.6 ms against 0.1 ms for the same UPDATE). Values go through each
 * property's own type, as the ORM's would; only scalar properties are written (what the hot
 * paths hold). Both run in the transaction of `em`, if it has one.
 */
import { ReferenceKind, type EntityClass, type EntityProperty } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { LifeboatError } from '@lifeboat/errors';

function columnOf<T>(entity: EntityClass<T>, prop: EntityProperty<T> | undefined, name: string): string {
  if (!prop || prop.kind !== ReferenceKind.SCALAR || prop.persist === false || prop.fieldNames.length !== 1) {
    throw new LifeboatError('INTERNAL', `${entity.name}.${name} is not a stored scalar property`);
  }
  return `"${prop.fieldNames[0]}"`;
}

function valueOf<T>(em: EntityManager, prop: EntityProperty<T>, value: unknown): unknown {
  return prop.customType && value !== null && value !== undefined ? prop.customType.convertToDatabaseValue(value, em.getPlatform()) : value;
}

/**
 * Sets `changes` on the row whose primary key is `id`, and the properties the ORM sets on every
 * update (`onUpdate`, e.g. `updatedAt`) that `changes` leaves out; returns how many rows it
 * changed (0 or 1).
 */
export async function updateRow<T extends object>(em: EntityManager, entity: EntityClass<T>, id: unknown, changes: Partial<T>): Promise<number> {
  const meta = em.getMetadata().get<T>(entity.name);
  const given = Object.entries(changes).filter(([, v]) => v !== undefined);
  if (given.length === 0) return 0;
  const stamped = meta.props.filter((p) => p.onUpdate && !given.some(([name]) => name === p.name)).map((p) => [p.name, p.onUpdate!(changes as T, em)] as const);
  const entries = [...given, ...stamped];
  const props = meta.properties as Record<string, EntityProperty<T> | undefined>;
  const sets = entries.map(([name]) => `${columnOf(entity, props[name], name)} = ?`);
  const params = entries.map(([name, value]) => valueOf(em, props[name]!, value));
  const [key] = meta.primaryKeys as string[];
  const result = await em.execute<{ affectedRows: number }>(
    `update "${meta.collection}" set ${sets.join(', ')} where ${columnOf(entity, props[key], key)} = ?`,
    [...params, id],
    'run',
  );
  return result.affectedRows;
}

/** Inserts `row` (an entity made with `em.create`, so with its defaults): every scalar property it holds. */
export async function insertRow<T extends object>(em: EntityManager, entity: EntityClass<T>, row: T): Promise<void> {
  const meta = em.getMetadata().get<T>(entity.name);
  const props = meta.props.filter((p) => p.kind === ReferenceKind.SCALAR && p.persist !== false && (row as Record<string, unknown>)[p.name] !== undefined);
  await em.execute(
    `insert into "${meta.collection}" (${props.map((p) => columnOf(entity, p, p.name)).join(', ')}) values (${props.map(() => '?').join(', ')})`,
    props.map((p) => valueOf(em, p, (row as Record<string, unknown>)[p.name])),
    'run',
  );
}
