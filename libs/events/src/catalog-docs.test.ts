import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_CATALOG, JOB_CATALOG } from './index';

test('docs/events.md documents every event type and job kind of the catalog', () => {
  const doc = readFileSync(join(__dirname, '..', '..', '..', '..', 'docs', 'events.md'), 'utf8');
  for (const type of Object.keys(EVENT_CATALOG)) assert.match(doc, new RegExp('`' + type.replace('.', '\\.') + '`'), `${type} missing`);
  for (const kind of Object.keys(JOB_CATALOG)) assert.match(doc, new RegExp('`jobs\\.' + kind + '`'), `jobs.${kind} missing`);
});
