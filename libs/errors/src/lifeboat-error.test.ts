import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LifeboatError, errorCodeOf, ERROR_CODES } from './index';

test('a LifeboatError carries its code, cause, hint and retryability', () => {
  const cause = new Error('ECONNREFUSED');
  const sut = new LifeboatError('LOCATION_UNAVAILABLE', 'r2 is down', { cause, hint: 'check the endpoint' });
  assert.equal(sut.code, 'LOCATION_UNAVAILABLE');
  assert.equal(sut.cause, cause);
  assert.equal(sut.retryable, true);
  assert.match(sut.describe(), /HINT: check the endpoint/);
});

test('errorCodeOf maps unknown errors to INTERNAL and keeps registered codes', () => {
  assert.equal(errorCodeOf(new Error('x')), 'INTERNAL');
  assert.equal(errorCodeOf({ code: 'NOT_FOUND' }), 'NOT_FOUND');
  assert.equal(errorCodeOf({ code: 'ENOENT' }), 'INTERNAL');
  assert.equal(errorCodeOf(new LifeboatError('WRONG_KEY', 'k')), 'WRONG_KEY');
});

test('every registered code is upper snake case', () => {
  for (const code of Object.keys(ERROR_CODES)) assert.match(code, /^[A-Z]+(_[A-Z]+)*$/);
});
