import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { LifeboatError } from '@lifeboat/errors';
import { loadConfig, int, port, secret, str, optional, describeOptions, undocumentedOptions, Secret } from './index';

const options = {
  A_PORT: port({ description: 'a port', default: 4001 }),
  A_NAME: str({ description: 'a name' }),
  A_KEY: secret({ description: 'a key', minLength: 8 }),
  A_JOBS: optional(int({ description: 'jobs', min: 1 })),
};

test('valid environment gives typed values and defaults', () => {
  const sut = loadConfig(options, { A_NAME: 'x', A_KEY: 'abcdefghij' });
  assert.equal(sut.A_PORT, 4001);
  assert.equal(sut.A_NAME, 'x');
  assert.ok(sut.A_KEY instanceof Secret);
  assert.equal(sut.A_KEY.reveal(), 'abcdefghij');
  assert.equal(sut.A_JOBS, undefined);
});

test('every bad variable is named, and secrets are never printed', () => {
  try {
    loadConfig(options, { A_PORT: '99999', A_KEY: 'short-1', A_JOBS: 'many' });
    assert.fail('should throw');
  } catch (err) {
    assert.ok(err instanceof LifeboatError);
    assert.equal(err.code, 'CONFIG_INVALID');
    assert.match(err.message, /A_PORT: must be at most 65535/);
    assert.match(err.message, /A_NAME: is required/);
    assert.match(err.message, /A_KEY: must be at least 8/);
    assert.match(err.message, /A_JOBS: must be an integer/);
    assert.doesNotMatch(err.message, /short-1/);
  }
});

test('a Secret never shows in strings, JSON or inspect', () => {
  const sut = new Secret('hunter2hunter2');
  assert.equal(String(sut), '[secret]');
  assert.equal(JSON.stringify({ sut }), '{"sut":"[secret]"}');
  assert.doesNotMatch(inspect({ sut }), /hunter2/);
});

test('describeOptions documents every option and undocumentedOptions finds gaps', () => {
  const text = describeOptions(options);
  assert.deepEqual(undocumentedOptions(options, text), []);
  assert.deepEqual(undocumentedOptions(options, 'A_PORT=1\n'), ['A_NAME', 'A_KEY', 'A_JOBS']);
});
