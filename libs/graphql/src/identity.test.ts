import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type LifeboatError } from '@lifeboat/errors';
import { signIdentity, verifyIdentity, roleAtLeast, type Identity } from './index';

const secret = 'x'.repeat(40);
const alice: Identity = { id: 'u1', email: 'alice@example.com', role: 'OPERATOR', kind: 'user' };

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as LifeboatError).code;
  }
  return undefined;
}

test('a signed identity verifies with the same secret', () => {
  const headers = signIdentity(alice, secret);
  assert.deepEqual(verifyIdentity(headers, secret), alice);
});

test('missing, forged, altered and stale identities are UNAUTHENTICATED', () => {
  const headers = signIdentity(alice, secret, 1_000_000);
  assert.equal(code(() => verifyIdentity({}, secret)), 'UNAUTHENTICATED');
  assert.equal(code(() => verifyIdentity(signIdentity(alice, 'y'.repeat(40)), secret)), 'UNAUTHENTICATED');
  const admin = Buffer.from(JSON.stringify({ ...alice, role: 'ADMIN', iat: 1_000_000 })).toString('base64url');
  assert.equal(code(() => verifyIdentity({ ...headers, 'x-lifeboat-identity': admin }, secret, 1_000_000)), 'UNAUTHENTICATED');
  assert.equal(code(() => verifyIdentity(headers, secret, 1_000_000 + 120_000)), 'UNAUTHENTICATED');
});

test('roles are ordered VIEWER < OPERATOR < ADMIN', () => {
  assert.ok(roleAtLeast('ADMIN', 'OPERATOR'));
  assert.ok(roleAtLeast('OPERATOR', 'OPERATOR'));
  assert.ok(!roleAtLeast('VIEWER', 'OPERATOR'));
});
