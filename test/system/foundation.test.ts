/**
 * The foundation's promises, end to end: the whole system as processes behind the gateway,
 * authentication and roles, refusals with their codes, supervision and live events.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import jwt from 'jsonwebtoken';
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { eventually } from '@lifeboat/testkit';
import { startSystem, type System } from '../src/index';

let sys: System;
let adminToken: string;

before(async () => {
  sys = await startSystem();
  adminToken = await sys.login();
});

after(async () => {
  await sys?.stop();
});

const codeOf = (r: { errors?: { extensions?: { code?: string } }[] }) => r.errors?.[0]?.extensions?.code;

test('one query through the gateway reads every service', async () => {
  const r = await sys.graphql(
    `{ backups { id status copies { location status } } restores { id status backup { id } } schedules { id name }
       incidents { id } alerts { id } me { email role } }`,
    {},
    adminToken,
  );
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  const { schedules, ...rest } = r.data as { schedules: { name: string }[] };
  assert.deepEqual(rest, { backups: [], restores: [], incidents: [], alerts: [], me: { email: sys.admin.email, role: 'ADMIN' } });
  // The scheduler seeds the seed's schedules at its first start.
  assert.deepEqual(schedules.map((s) => s.name).sort(), ['Daily configuration backup', 'Daily full database backup', 'WAL archive check', 'Weekly per-tenant backup']);
});

test('without a token, with a wrong password, an expired or forged token: UNAUTHENTICATED', async () => {
  assert.equal(codeOf(await sys.graphql('{ backups { id } }')), 'UNAUTHENTICATED');
  assert.equal(codeOf(await sys.graphql('mutation { login(email: "admin@example.com", password: "nope-nope-nope") { token } }')), 'UNAUTHENTICATED');
  const expired = jwt.sign({ email: sys.admin.email, role: 'ADMIN' }, sys.env.LIFEBOAT_JWT_SECRET, {
    subject: 'x',
    issuer: 'lifeboat',
    expiresIn: -10,
  });
  const r = await sys.graphql('{ backups { id } }', {}, expired);
  assert.equal(codeOf(r), 'UNAUTHENTICATED');
  assert.match(r.errors![0].message, /expired/);
  const forged = jwt.sign({ email: sys.admin.email, role: 'ADMIN' }, 'not-the-secret-not-the-secret-not-the-secret', { subject: 'x', issuer: 'lifeboat' });
  assert.equal(codeOf(await sys.graphql('{ backups { id } }', {}, forged)), 'UNAUTHENTICATED');
});

test('a VIEWER reads but cannot call an ADMIN mutation: FORBIDDEN', async () => {
  const created = await sys.graphql(
    'mutation { createUser(input: { email: "viewer@example.com", password: "viewer-password-1", role: VIEWER }) { id role } }',
    {},
    adminToken,
  );
  assert.equal(created.errors, undefined, JSON.stringify(created.errors));
  const viewer = await sys.login('viewer@example.com', 'viewer-password-1');
  const read = await sys.graphql('{ backups { id } schedules { id } }', {}, viewer);
  assert.equal(read.errors, undefined);
  const r = await sys.graphql('mutation { createUser(input: { email: "x@example.com", password: "another-password-1", role: ADMIN }) { id } }', {}, viewer);
  assert.equal(codeOf(r), 'FORBIDDEN');
  assert.equal(codeOf(await sys.graphql('{ auditLog { id } }', {}, viewer)), 'FORBIDDEN');
});

test('a request straight to a subgraph, unsigned or with forged identity headers, is refused', async () => {
  const url = `http://127.0.0.1:${sys.ports['backup-executor']}/graphql`;
  const post = (headers: Record<string, string>) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: '{ backups { id } }' }) });
  const unsigned = await post({});
  assert.equal(unsigned.status, 401);
  assert.equal(codeOf((await unsigned.json()) as never), 'UNAUTHENTICATED');
  const identity = Buffer.from(JSON.stringify({ id: 'x', email: 'evil@example.com', role: 'ADMIN', kind: 'user', iat: Date.now() })).toString('base64url');
  const forged = await post({
    'x-lifeboat-identity': identity,
    'x-lifeboat-signature': createHmac('sha256', 'guessed-secret-guessed-secret-guessed').update(identity).digest('hex'),
  });
  assert.equal(codeOf((await forged.json()) as never), 'UNAUTHENTICATED');
  // The service is still healthy and public health endpoints stay open.
  assert.equal((await fetch(`http://127.0.0.1:${sys.ports['backup-executor']}/health/live`)).status, 200);
});

test('API tokens work until revoked, and never carry more than their owner', async () => {
  const created = await sys.graphql<{ createApiToken: { token: string; apiToken: { id: string; role: string } } }>(
    'mutation { createApiToken(input: { name: "ci", role: OPERATOR }) { token apiToken { id role } } }',
    {},
    adminToken,
  );
  assert.equal(created.errors, undefined, JSON.stringify(created.errors));
  const { token, apiToken } = created.data!.createApiToken;
  assert.equal(apiToken.role, 'OPERATOR');
  assert.equal((await sys.graphql('{ me { email } }', {}, token)).data?.me ? 'ok' : 'no', 'ok');
  assert.equal(codeOf(await sys.graphql('{ auditLog { id } }', {}, token)), 'FORBIDDEN');
  const listed = await sys.graphql<{ apiTokens: { id: string }[] }>('{ apiTokens { id name role } }', {}, adminToken);
  assert.ok(listed.data!.apiTokens.some((t) => t.id === apiToken.id));
  await sys.graphql(`mutation { revokeApiToken(id: "${apiToken.id}") { revokedAt } }`, {}, adminToken);
  const r = await sys.graphql('{ me { email } }', {}, token);
  assert.equal(codeOf(r), 'UNAUTHENTICATED');
  assert.match(r.errors![0].message, /revoked/);
});

test('a query too deep or too wide is refused with QUERY_TOO_COMPLEX', async () => {
  let typeRef = 'name';
  for (let i = 0; i < 12; i++) typeRef = `ofType { ${typeRef} }`;
  const deep = await sys.graphql(`{ __schema { types { fields { type { ${typeRef} } } } } }`, {}, adminToken);
  assert.equal(codeOf(deep), 'QUERY_TOO_COMPLEX', JSON.stringify(deep.errors));
  const wide = await sys.graphql(`{ ${Array.from({ length: 400 }, (_, i) => `f${i}: me { email }`).join(' ')} }`, {}, adminToken);
  assert.equal(codeOf(wide), 'QUERY_TOO_COMPLEX');
  const huge = await sys.graphql(`{ me { email } } # ${'x'.repeat(30_000)}`, {}, adminToken);
  assert.equal(codeOf(huge), 'QUERY_TOO_COMPLEX');
});

test('every mutation is in the audit log, with secrets removed', async () => {
  await sys.graphql('mutation { createUser(input: { email: "audited@example.com", password: "secret-password-9", role: OPERATOR }) { id } }', {}, adminToken);
  const r = await sys.graphql<{ auditLog: { actorEmail: string; fields: string[]; arguments: Record<string, unknown>; outcome: string }[] }>(
    '{ auditLog(limit: 100) { actorEmail actorKind fields arguments outcome errorCodes } }',
    {},
    adminToken,
  );
  const entry = r.data!.auditLog.find((e) => JSON.stringify(e.arguments).includes('audited@example.com'));
  assert.ok(entry, JSON.stringify(r.data));
  assert.equal(entry.actorEmail, sys.admin.email);
  assert.deepEqual(entry.fields, ['createUser']);
  assert.equal(entry.outcome, 'ok');
  assert.doesNotMatch(JSON.stringify(r.data), /secret-password-9/);
  const failedLogin = r.data!.auditLog.find((e) => e.fields.includes('login') && e.outcome === 'error');
  assert.ok(failedLogin, 'a failed login is audited');
  assert.doesNotMatch(JSON.stringify(failedLogin), /nope-nope-nope/);
});

test('a killed service is restarted while the rest keep answering; readiness names it meanwhile; events reach a graphql-ws subscriber', async () => {
  const client = createClient({ url: sys.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${adminToken}` }, retryAttempts: 0 });
  const received: { type: string; source: string; data: { service: string } }[] = [];
  const unsubscribe = client.subscribe<{ events: { type: string; source: string; data: { service: string } } }>(
    { query: 'subscription { events(types: ["service.started"]) { id type source data } }' },
    { next: (m) => void (m.data && received.push(m.data.events)), error: (e) => assert.fail(String(e)), complete: () => {} },
  );
  await new Promise((r) => setTimeout(r, 500));

  const pid = sys.supervisor.pid('restore')!;
  process.kill(pid, 'SIGKILL');
  const health = await eventually('readiness to report restore down', async () => {
    const h = (await (await fetch(`http://127.0.0.1:${sys.gatewayPort}/health/ready`)).json()) as { ok: boolean; checks: Record<string, { ok: boolean }> };
    return !h.checks.restore.ok ? h : undefined;
  }, 10_000, 50);
  assert.equal(health.ok, false);
  assert.equal(health.checks['backup-executor'].ok, true);
  const others = await sys.graphql('{ backups { id } schedules { id } }', {}, adminToken);
  assert.equal(others.errors, undefined);

  await eventually('restore restarted', async () => sys.supervisor.pid('restore') !== undefined && sys.supervisor.pid('restore') !== pid, 15_000);
  await eventually('restore answering again', async () => (await sys.graphql('{ restores { id } }', {}, adminToken)).errors === undefined, 30_000, 250);
  const started = await eventually('service.started from the restarted restore service', async () => received.find((e) => e.data.service === 'restore'), 15_000);
  assert.equal(started.type, 'service.started');
  assert.equal(started.source, 'restore');
  unsubscribe();
  await client.dispose();
});

test('a subscription without valid credentials is refused at connection_init', async () => {
  const client = createClient({ url: sys.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: 'Bearer nope' }, retryAttempts: 0 });
  const outcome = await new Promise<string>((resolve) => {
    client.subscribe({ query: 'subscription { events { id } }' }, { next: () => resolve('data'), error: (e) => resolve(String((e as { code?: number }).code ?? e)), complete: () => resolve('complete') });
  });
  assert.equal(outcome, '4403');
  await client.dispose();
});
