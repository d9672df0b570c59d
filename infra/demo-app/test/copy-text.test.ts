import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyRow, copyValue } from '../src/copy-text';

test('values become COPY text: NULL, booleans, numbers, dates, escapes', () => {
  assert.equal(copyValue(null), '\\N');
  assert.equal(copyValue(undefined), '\\N');
  assert.equal(copyValue(true), 't');
  assert.equal(copyValue(12.5), '12.5');
  assert.equal(copyValue(new Date('2026-01-02T03:04:05.006Z')), '2026-01-02T03:04:05.006Z');
  assert.equal(copyValue('a\tb\nc\rd\\e'), 'a\\tb\\nc\\rd\\\\e');
  assert.equal(copyValue("O'Brien \"quoted\" Zoë"), "O'Brien \"quoted\" Zoë");
  assert.equal(copyValue('\\N'), '\\\\N');
});

test('arrays become text[] literals and objects JSON, both escaped for COPY', () => {
  assert.equal(copyValue([]), '{}');
  assert.equal(copyValue(['a,b', '"q"', 'back\\slash', 'NULL']), '{"a,b","\\\\"q\\\\"","back\\\\\\\\slash","NULL"}');
  assert.equal(copyValue({ note: 'line\nbreak', n: 1 }), '{"note":"line\\\\nbreak","n":1}');
});

test('a row is tab-separated and ends with a newline', () => {
  const sut = copyRow(['x', null, 3]);
  assert.equal(sut, 'x\t\\N\t3\n');
});
