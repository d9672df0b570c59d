import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LifeboatError } from '@lifeboat/errors';
import { checkSchedule, nextOccurrence, occurrencesBetween } from './cron';

const days = (from: string, to: string, cron: string, tz: string) =>
  occurrencesBetween(cron, tz, new Date(from), new Date(to), 100).map((d) => d.toISOString());

test('a daily run in Europe/Paris happens once on the spring-forward day and once on the fall-back day', () => {
  // 02:30 does not exist on 2026-03-29 (02:00 → 03:00): it runs at 03:30 local, once.
  assert.deepEqual(days('2026-03-28T00:00:00Z', '2026-03-31T00:00:00Z', '30 2 * * *', 'Europe/Paris'), [
    '2026-03-28T01:30:00.000Z',
    '2026-03-29T01:30:00.000Z',
    '2026-03-30T00:30:00.000Z',
  ]);
  // 02:30 happens twice on 2026-10-25 (03:00 → 02:00): it runs once.
  assert.deepEqual(days('2026-10-24T00:00:00Z', '2026-10-27T00:00:00Z', '30 2 * * *', 'Europe/Paris'), [
    '2026-10-24T00:30:00.000Z',
    '2026-10-25T01:30:00.000Z',
    '2026-10-26T01:30:00.000Z',
  ]);
});

test('the seed\'s weekly Sunday 03:00 and seconds-level expressions for tests', () => {
  assert.equal(nextOccurrence('0 3 * * 0', 'UTC', new Date('2026-11-27T12:00:00Z'))?.toISOString(), '2026-11-29T03:00:00.000Z');
  assert.equal(nextOccurrence('*/5 * * * * *', 'UTC', new Date('2026-11-27T12:00:01Z'))?.toISOString(), '2026-11-27T12:00:05.000Z');
});

test('bad expressions and timezones are BAD_USER_INPUT naming the field', () => {
  const fieldOf = (fn: () => void) => {
    try {
      fn();
    } catch (err) {
      return `${(err as LifeboatError).code} ${(err as Error).message.split(':')[0]}`;
    }
    return 'accepted';
  };
  assert.equal(fieldOf(() => checkSchedule('61 * * * *', 'UTC')), 'BAD_USER_INPUT cron');
  assert.equal(fieldOf(() => checkSchedule('* * *', 'UTC')), 'BAD_USER_INPUT cron');
  assert.equal(fieldOf(() => checkSchedule('0 2 * * *', 'Mars/Olympus')), 'BAD_USER_INPUT timezone');
  assert.equal(fieldOf(() => checkSchedule('0 2 * * *', 'America/New_York')), 'accepted');
});
