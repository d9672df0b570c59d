import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LifeboatError } from '@lifeboat/errors';
import { checkRowCounts } from './row-check';

const expected = [
  { schema: 'public', table: 'orders', rows: 120 },
  { schema: 'public', table: 'empty', rows: 0 },
  { schema: 'crm', table: 'orders', rows: 7 },
];

test('the same rows in every table: the check lists each table, expected and found', () => {
  const found = [...expected].reverse().concat({ schema: 'public', table: 'not_in_the_backup', rows: 3 });
  assert.deepEqual(checkRowCounts(expected, found), {
    'public.orders': { expected: 120, found: 120 },
    'public.empty': { expected: 0, found: 0 },
    'crm.orders': { expected: 7, found: 7 },
  });
});

test('a table with other rows, or none at all, fails the check and is named', () => {
  const found = [
    { schema: 'public', table: 'orders', rows: 119 },
    { schema: 'public', table: 'empty', rows: 0 },
  ];
  assert.throws(
    () => checkRowCounts(expected, found),
    (err: unknown) =>
      err instanceof LifeboatError &&
      err.code === 'RESTORE_FAILED' &&
      /public\.orders expected 120, found 119; crm\.orders expected 7, found 0/.test(err.message) &&
      JSON.stringify(err.details.tables) === JSON.stringify(['public.orders', 'crm.orders']),
  );
});
