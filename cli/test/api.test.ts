/**
 * The API commands against a fake gateway: what they send (token, variables), how they print
 * what comes back (tables and --json), and how they fail (GraphQL error codes, no token, no
 * gateway). End-to-end tests against the running system live with the backup API.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeGateway, type FakeGateway, type RecordedRequest } from './fake-gateway';
import { runCli } from './run-cli';

const TOKEN = 'lbt_test-token';
const BACKUP_ID = '6f1c2a9e-0d4b-4c8e-9a51-3e2f7b8c9d01';
const JOB_ID = '0b7e4d2c-5a3f-4e61-8c9d-1f2e3a4b5c6d';

const listed = [
  {
    id: BACKUP_ID,
    type: 'FULL_DATABASE',
    tenantId: null,
    status: 'VERIFIED',
    createdAt: '2025-06-01T02:00:13.456Z',
    sizeBytes: 12_345_678,
    compressionRatio: 3.456,
    durationSeconds: 41.2,
    checksum: 'ab'.repeat(32),
    copies: [
      { location: 'local', status: 'VERIFIED' },
      { location: 'r2', status: 'STORED' },
      { location: 'b2', status: 'CORRUPT' },
    ],
  },
];

/** The fake gateway's answers by operation (the first field of the document); each test sets those it needs. */
let answers: Partial<Record<'backups' | 'triggerBackup' | 'backupJob' | 'verifyBackup' | 'login', (r: RecordedRequest) => unknown>> = {};
let gateway: FakeGateway;
let home: string;

const operationOf = (query: string): string => /\{\s*(\w+)/.exec(query)?.[1] ?? '';

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'lifeboat-api-'));
  gateway = await startFakeGateway((request) => {
    const answer = answers[operationOf(request.query) as keyof typeof answers];
    return answer ? answer(request) : { errors: [{ message: `no answer for ${request.query}`, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] };
  });
});

after(async () => {
  await gateway.close();
  await rm(home, { recursive: true, force: true });
});

/** Runs the CLI against the fake gateway with a token, and returns what it did and what the gateway saw. */
async function cli(args: string[], env: Record<string, string> = { LIFEBOAT_TOKEN: TOKEN }, input?: string) {
  const seen = gateway.requests.length;
  const result = await runCli(args, { env: { LIFEBOAT_URL: gateway.url, ...env }, input });
  return { ...result, out: result.stdout.toString(), requests: gateway.requests.slice(seen) };
}

for (const args of [['backups', 'list'], ['backup', 'full', '--no-wait'], ['backup', 'verify', BACKUP_ID]]) {
  test(`lifeboat ${args.join(' ')} without a token: UNAUTHENTICATED, a hint to log in, and no request`, async () => {
    const sut = await cli(args, {});
    assert.equal(sut.code, 1);
    assert.match(sut.stderr, /^lifeboat: UNAUTHENTICATED: /m);
    assert.match(sut.stderr, /^HINT: .*lifeboat login/m);
    assert.equal(sut.requests.length, 0);
  });
}

test('backups list sends the token and the filters, and prints a table', async () => {
  answers = { backups: () => ({ data: { backups: listed } }) };
  const sut = await cli(['backups', 'list', '--type', 'FULL_DATABASE', '--status', 'VERIFIED', '--tenant', 'acme', '--limit', '5']);
  assert.equal(sut.code, 0, sut.stderr);
  const [request] = sut.requests;
  assert.equal(request.headers.authorization, `Bearer ${TOKEN}`);
  assert.deepEqual(request.variables, { type: 'FULL_DATABASE', status: 'VERIFIED', tenantId: 'acme', limit: 5, offset: 0 });
  const [header, row] = sut.out.trimEnd().split('\n');
  assert.match(header, /^ID\s+TYPE\s+STATUS\s+CREATED\s+SIZE\s+RATIO\s+COPIES$/);
  assert.match(row, new RegExp(`^${BACKUP_ID}\\s+FULL_DATABASE\\s+VERIFIED\\s+2025-06-01 02:00:13Z\\s+12\\.3 MB\\s+3\\.5x\\s+local✓ r2✓ b2✗$`));
});

test('backups list --json prints the backups as the gateway returned them', async () => {
  answers = { backups: () => ({ data: { backups: listed } }) };
  const sut = await cli(['backups', 'list', '--json']);
  assert.equal(sut.code, 0, sut.stderr);
  assert.deepEqual(JSON.parse(sut.out), listed);
  assert.deepEqual(sut.requests[0].variables, { limit: 50, offset: 0 });
});

test('without LIFEBOAT_TOKEN the token file is sent', async () => {
  const configDir = join(home, 'with-token');
  await mkdir(configDir);
  await writeFile(join(configDir, 'token'), 'from-the-file\n', { mode: 0o600 });
  answers = { backups: () => ({ data: { backups: [] } }) };
  const sut = await cli(['backups', 'list'], { LIFEBOAT_CONFIG_DIR: configDir });
  assert.equal(sut.code, 0, sut.stderr);
  assert.equal(sut.requests[0].headers.authorization, 'Bearer from-the-file');
  assert.match(sut.out, /No backups/);
});

test('a GraphQL error prints its extensions.code and message, and exits 1', async () => {
  answers = { backups: () => ({ data: null, errors: [{ message: 'a VIEWER may not do this', extensions: { code: 'FORBIDDEN' } }] }) };
  const sut = await cli(['backups', 'list']);
  assert.equal(sut.code, 1);
  assert.match(sut.stderr, /^lifeboat: FORBIDDEN: a VIEWER may not do this$/m);
  assert.equal(sut.out, '');
});

test('an unreachable gateway: DEPENDENCY_UNAVAILABLE naming the URL', async () => {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  const sut = await runCli(['backups', 'list'], { env: { LIFEBOAT_URL: `http://127.0.0.1:${port}/graphql`, LIFEBOAT_TOKEN: TOKEN } });
  assert.equal(sut.code, 1);
  assert.match(sut.stderr, new RegExp(`^lifeboat: DEPENDENCY_UNAVAILABLE: cannot reach the gateway at http://127.0.0.1:${port}/graphql`, 'm'));
});

const verified = (copyStatus: string) => ({
  data: {
    verifyBackup: {
      id: BACKUP_ID,
      status: 'VERIFIED',
      verifiedAt: '2025-06-02T03:00:00Z',
      copies: [
        { location: 'local', status: 'VERIFIED', checksum: 'ab'.repeat(32), sizeBytes: 12_345_678, verifiedAt: '2025-06-02T03:00:00Z', lastError: null },
        { location: 'r2', status: copyStatus, checksum: 'cd'.repeat(32), sizeBytes: 12_345_678, verifiedAt: '2025-06-02T03:00:00Z', lastError: copyStatus === 'CORRUPT' ? 'SHA-256 differs' : null },
      ],
    },
  },
});

test('backup verify prints every copy, and exits 0 when all verified', async () => {
  answers = { verifyBackup: () => verified('VERIFIED') };
  const sut = await cli(['backup', 'verify', BACKUP_ID]);
  assert.equal(sut.code, 0, sut.stderr);
  assert.deepEqual(sut.requests[0].variables, { id: BACKUP_ID });
  assert.match(sut.out, /^local\s+VERIFIED\s+12\.3 MB\s+abababababababab…/m);
  assert.match(sut.out, /^r2\s+VERIFIED\s+/m);
});

test('backup verify with a corrupt copy: CHECKSUM_MISMATCH naming it, exit 1', async () => {
  answers = { verifyBackup: () => verified('CORRUPT') };
  const sut = await cli(['backup', 'verify', BACKUP_ID, '--json']);
  assert.equal(sut.code, 1);
  assert.equal((JSON.parse(sut.out) as { copies: unknown[] }).copies.length, 2);
  assert.match(sut.stderr, /^lifeboat: CHECKSUM_MISMATCH: backup .*: r2 is CORRUPT$/m);
});

test('backup verify with a missing copy: OBJECT_NOT_FOUND, exit 1', async () => {
  answers = { verifyBackup: () => verified('MISSING') };
  const sut = await cli(['backup', 'verify', BACKUP_ID]);
  assert.equal(sut.code, 1);
  assert.match(sut.stderr, /^lifeboat: OBJECT_NOT_FOUND: backup .*: r2 is MISSING$/m);
});

const triggered = { data: { triggerBackup: { id: JOB_ID, type: 'FULL_DATABASE', status: 'PENDING', backups: [{ id: BACKUP_ID }] } } };
const JOB_STATUS: Record<string, string> = { IN_PROGRESS: 'RUNNING', COMPLETED: 'SUCCEEDED', FAILED: 'FAILED' };
const jobWith = (status: string, error: string | null = null) => ({
  data: {
    backupJob: {
      id: JOB_ID,
      status: JOB_STATUS[status],
      message: null,
      backups: [{ id: BACKUP_ID, status, sizeBytes: 2_500_000, checksum: 'ef'.repeat(32), error, copies: [{ location: 'local', status: 'STORED' }] }],
    },
  },
});

test('backup full --no-wait starts a FULL_DATABASE backup and prints the job', async () => {
  answers = { triggerBackup: () => triggered };
  const sut = await cli(['backup', 'full', '--no-wait']);
  assert.equal(sut.code, 0, sut.stderr);
  assert.equal(sut.requests.length, 1);
  assert.match(sut.requests[0].query, /triggerBackup\(input: \{ type: FULL_DATABASE \}\)/);
  assert.match(sut.out, new RegExp(`^Started backup job ${JOB_ID} \\(FULL_DATABASE\\): PENDING$`, 'm'));
  assert.match(sut.out, new RegExp(`backup ${BACKUP_ID}`));
});

test('backup full --wait polls the job until the backup completes, through a moment of unavailability', async () => {
  const polls = [jobWith('IN_PROGRESS'), { data: null, errors: [{ message: 'backup-executor is down', extensions: { code: 'DEPENDENCY_UNAVAILABLE' } }] }, jobWith('COMPLETED')];
  answers = { triggerBackup: () => triggered, backupJob: () => polls.shift() ?? jobWith('COMPLETED') };
  const sut = await cli(['backup', 'full', '--wait', '--json']);
  assert.equal(sut.code, 0, sut.stderr);
  assert.deepEqual(
    sut.requests.map((r) => operationOf(r.query)),
    ['triggerBackup', 'backupJob', 'backupJob', 'backupJob'],
  );
  assert.deepEqual(sut.requests[1].variables, { id: JOB_ID });
  assert.equal((JSON.parse(sut.out) as { backups: { status: string }[] }).backups[0].status, 'COMPLETED');
});

test('backup full --wait reports the job with its own status, which comes a moment after its backup completed', async () => {
  const running = jobWith('COMPLETED');
  running.data.backupJob.status = 'RUNNING';
  const polls = [running, jobWith('COMPLETED')];
  answers = { triggerBackup: () => triggered, backupJob: () => polls.shift() ?? jobWith('COMPLETED') };
  const sut = await cli(['backup', 'full', '--wait', '--json']);
  assert.equal(sut.code, 0, sut.stderr);
  assert.deepEqual(sut.requests.map((r) => operationOf(r.query)), ['triggerBackup', 'backupJob', 'backupJob']);
  assert.equal((JSON.parse(sut.out) as { status: string }).status, 'SUCCEEDED');
});

test('backup full --wait when the job ends without a backup: BACKUP_FAILED with its message, exit 1', async () => {
  answers = {
    triggerBackup: () => triggered,
    backupJob: () => ({ data: { backupJob: { id: JOB_ID, status: 'SKIPPED', message: 'a full backup is already running', backups: [] } } }),
  };
  const sut = await cli(['backup', 'full', '--wait']);
  assert.equal(sut.code, 1);
  assert.match(sut.stderr, /^lifeboat: BACKUP_FAILED: backup job .* ended SKIPPED: a full backup is already running$/m);
});

test('backup full --wait when the backup fails: BACKUP_FAILED with its error, exit 1', async () => {
  answers = { triggerBackup: () => triggered, backupJob: () => jobWith('FAILED', 'pg_dump exited with 1: connection refused') };
  const sut = await cli(['backup', 'full', '--wait']);
  assert.equal(sut.code, 1);
  assert.match(sut.out, new RegExp(`backup ${BACKUP_ID}  FAILED`));
  assert.match(sut.stderr, /^lifeboat: BACKUP_FAILED: backup .* failed: pg_dump exited with 1: connection refused$/m);
});

test('login --password-stdin stores the token with mode 0600, sending no Authorization', async () => {
  const configDir = join(home, 'login', 'lifeboat');
  answers = {
    login: () => ({ data: { login: { token: 'jwt-from-login', expiresAt: '2025-06-02T14:00:00.000Z', user: { email: 'ops@example.com', role: 'OPERATOR' } } } }),
  };
  const sut = await cli(['login', '--email', 'ops@example.com', '--password-stdin'], { LIFEBOAT_CONFIG_DIR: configDir }, 'correct horse battery\n');
  assert.equal(sut.code, 0, sut.stderr);
  assert.deepEqual(sut.requests[0].variables, { email: 'ops@example.com', password: 'correct horse battery' });
  assert.equal(sut.requests[0].headers.authorization, undefined);
  assert.equal(await readFile(join(configDir, 'token'), 'utf8'), 'jwt-from-login\n');
  assert.equal((await stat(join(configDir, 'token'))).mode & 0o777, 0o600);
  assert.match(sut.out, /Logged in as ops@example.com \(OPERATOR\)/);
  assert.doesNotMatch(sut.out, /jwt-from-login/);

  answers = { backups: () => ({ data: { backups: [] } }) };
  const next = await cli(['backups', 'list'], { LIFEBOAT_CONFIG_DIR: configDir });
  assert.equal(next.requests[0].headers.authorization, 'Bearer jwt-from-login');
});

test('login with a wrong password: UNAUTHENTICATED, and no token file', async () => {
  const configDir = join(home, 'refused');
  answers = { login: () => ({ data: null, errors: [{ message: 'invalid email or password', extensions: { code: 'UNAUTHENTICATED' } }] }) };
  const sut = await cli(['login', '--email', 'ops@example.com', '--password-stdin'], { LIFEBOAT_CONFIG_DIR: configDir }, 'wrong');
  assert.equal(sut.code, 1);
  assert.match(sut.stderr, /^lifeboat: UNAUTHENTICATED: invalid email or password$/m);
  assert.equal(existsSync(join(configDir, 'token')), false);
});

test('login without --password-stdin when stdin is not a terminal: exit 2', async () => {
  const sut = await cli(['login', '--email', 'ops@example.com'], {});
  assert.equal(sut.code, 2);
  assert.match(sut.stderr, /--password-stdin/);
});
