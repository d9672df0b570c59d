/**
 * The check of what a full restore brought back: each table's rows against the counts the
 * backup's manifest recorded (counted in the backup's own snapshot).
 */
import { LifeboatError } from '@lifeboat/errors';

export interface TableRows {
  schema: string;
  table: string;
  rows: number;
}

/** Table (schema.table) → rows expected and found. */
export type RowCheck = Record<string, { expected: number; found: number }>;

/**
 * Compares the rows found with the rows expected, for every table expected (one not found has 0
 * rows); any difference fails the restore, naming the tables.
 */
export function checkRowCounts(expected: TableRows[], found: TableRows[]): RowCheck {
  const key = (t: TableRows) => `${t.schema}.${t.table}`;
  const foundRows = new Map(found.map((t) => [key(t), t.rows]));
  const check: RowCheck = {};
  for (const t of expected) check[key(t)] = { expected: t.rows, found: foundRows.get(key(t)) ?? 0 };
  const wrong = Object.entries(check).filter(([, c]) => c.expected !== c.found);
  if (wrong.length) {
    throw new LifeboatError('RESTORE_FAILED', `row counts differ from the backup's manifest: ${wrong.map(([t, c]) => `${t} expected ${c.expected}, found ${c.found}`).join('; ')}`, {
      details: { tables: wrong.map(([t]) => t) },
    });
  }
  return check;
}
