import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redact } from './redact';

test('secret-looking keys are replaced at any depth; other values are kept', () => {
  const sut = redact({ login: { email: 'a@b.c', password: 'p' }, input: { nested: [{ secretAccessKey: 's', name: 'n' }], token: 't', key: 'k' } });
  assert.deepEqual(sut, {
    login: { email: 'a@b.c', password: '[redacted]' },
    input: { nested: [{ secretAccessKey: '[redacted]', name: 'n' }], token: '[redacted]', key: '[redacted]' },
  });
});
