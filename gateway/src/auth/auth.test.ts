import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashPassword, passwordProblem, verifyPassword } from './passwords';
import { issueLoginToken, newApiToken, parseApiToken, secretMatches, verifyLoginToken } from './tokens';

const secret = 's'.repeat(40);

test('scrypt hashes verify the right password only, with a fresh salt each time', async () => {
  const a = await hashPassword('correct horse battery');
  const b = await hashPassword('correct horse battery');
  assert.notEqual(a, b);
  assert.match(a, /^scrypt\$16384\$8\$1\$/);
  assert.equal(await verifyPassword('correct horse battery', a), true);
  assert.equal(await verifyPassword('correct horse batterz', a), false);
  assert.equal(await verifyPassword('x', 'md5$whatever'), false);
});

test('the password policy refuses short and monotonous passwords', () => {
  assert.match(passwordProblem('short') ?? '', /12 characters/);
  assert.match(passwordProblem('aaaaaaaaaaaaaaaa') ?? '', /different characters/);
  assert.equal(passwordProblem('a-reasonable-passphrase'), undefined);
});

test('login tokens carry their claims and are refused when altered, expired or signed by another secret', () => {
  const { token } = issueLoginToken({ sub: 'u1', email: 'a@b.c', role: 'OPERATOR' }, secret, 60);
  assert.deepEqual(verifyLoginToken(token, secret), { sub: 'u1', email: 'a@b.c', role: 'OPERATOR' });
  assert.throws(() => verifyLoginToken(token, 't'.repeat(40)), { code: 'UNAUTHENTICATED' });
  const [h, p, s] = token.split('.');
  const admin = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), role: 'ADMIN' })).toString('base64url');
  assert.throws(() => verifyLoginToken(`${h}.${admin}.${s}`, secret), { code: 'UNAUTHENTICATED' });
  const { token: expired } = issueLoginToken({ sub: 'u1', email: 'a@b.c', role: 'OPERATOR' }, secret, -1);
  assert.throws(() => verifyLoginToken(expired, secret), /expired/);
});

test('API tokens parse back to their id, and only their secret matches the stored hash', () => {
  const sut = newApiToken();
  const parsed = parseApiToken(sut.token);
  assert.equal(parsed?.id, sut.id);
  assert.equal(secretMatches(parsed!.secret, sut.secretHash), true);
  const last = parsed!.secret.slice(-1);
  assert.equal(secretMatches(`${parsed!.secret.slice(0, -1)}${last === 'A' ? 'B' : 'A'}`, sut.secretHash), false);
  assert.equal(parseApiToken('lbt_nothex_x'), undefined);
  assert.equal(parseApiToken('eyJhbGciOi'), undefined);
});
