import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_CATALOG, JOB_CATALOG } from './index';

test('docs/events.md documents every event type and job kind of the catalog', () => {
  const doc = readFileSync(join(__dirname, '..', '..', '..', '..', 'docs', 'events.md'), 'utf8');
  const missing = [...Object.keys(EVENT_CATALOG), ...Object.keys(JOB_CATALOG).map((k) => `jobs.${k}`)].filter((s) => !doc.includes(`\`${s}\``));
  assert.deepEqual(missing, [], 'subjects missing from docs/events.md');
});
