import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from './index';

test('logs are JSON lines with the service name, and secrets by key are redacted', () => {
  const lines: string[] = [];
  const dest = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  const sut = createLogger('restore', 'info', dest as never);
  sut.info({ password: 'p4ss', user: { token: 'tok' } }, 'hello');
  const line = JSON.parse(lines[0]);
  assert.equal(line.service, 'restore');
  assert.equal(line.level, 'info');
  assert.equal(line.password, '[redacted]');
  assert.equal(line.user.token, '[redacted]');
});
