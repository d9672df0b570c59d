/**
 * `lifeboat wal-push` and `lifeboat wal-fetch` as PostgreSQL runs them: processes, exit codes and
 * one line on stderr. The library's own tests (libs/wal) cover the rules in depth.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createCompressStream, createEncryptStream, generateMasterKey, keyringFromEnv } from '@lifeboat/artifact';
import { startS3Server, type S3TestServer } from '@lifeboat/testkit';
import { walKey } from '@lifeboat/wal';
import { runCli } from './run-cli';

const SYSTEM_ID = '7312345678901234567';
const SEGMENT_SIZE = 1024 * 1024;
const MASTER_KEYS = generateMasterKey('wal');
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

let dir: string;
let s3: S3TestServer;
let envFile: string;

/** A 1 MiB segment `name` of `systemId` with the long page header PostgreSQL 15 writes. */
function segment(name: string, systemId = SYSTEM_ID): Buffer {
  const bytes = randomBytes(SEGMENT_SIZE);
  bytes.writeUInt16LE(0xd110, 0);
  bytes.writeUInt16LE(0x0002, 2);
  bytes.writeUInt32LE(parseInt(name.slice(0, 8), 16), 4);
  bytes.writeBigUInt64LE(BigInt(parseInt(name.slice(8, 16), 16)) * 2n ** 32n + BigInt(parseInt(name.slice(16, 24), 16) * SEGMENT_SIZE), 8);
  bytes.writeBigUInt64LE(BigInt(systemId), 24);
  bytes.writeUInt32LE(SEGMENT_SIZE, 32);
  bytes.writeUInt32LE(8192, 36);
  return bytes;
}

/** The WAL file as PostgreSQL hands it over: pg_wal/<name>. */
async function walFile(name: string, bytes: Buffer): Promise<string> {
  const path = join(await mkdtemp(join(dir, 'pg_wal-')), name);
  await writeFile(path, bytes);
  return path;
}

/** What the shipper stores for a WAL file: gzip, then encryption. */
async function artifactOf(bytes: Buffer): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await pipeline(Readable.from([bytes]), createCompressStream({ level: 1, workers: 0 }), createEncryptStream(keyringFromEnv({ LIFEBOAT_MASTER_KEYS: MASTER_KEYS })), async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) chunks.push(chunk);
  });
  return Buffer.concat(chunks);
}

/** Stores the artifact in the fs location (a file at its key under the root) or in the S3
 *  emulator (a plain PUT: the emulator takes unsigned requests, and the CLI needs no storage client here). */
async function store(where: 'local' | 'r2', name: string, artifact: Buffer): Promise<void> {
  const key = walKey(SYSTEM_ID, name);
  if (where === 'local') {
    const path = join(dir, 'local', key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, artifact);
    return;
  }
  const response = await fetch(`${s3.endpoint}/securesyntax/${key}`, { method: 'PUT', body: artifact });
  assert.equal(response.status, 200);
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lifeboat-cli-wal-'));
  s3 = await startS3Server();
  envFile = join(dir, 'wal-fetch.env');
  await writeFile(
    envFile,
    [
      '# what restore_command needs, and nothing from the server environment',
      'LIFEBOAT_LOCATIONS=local,r2',
      `LIFEBOAT_LOCATION_LOCAL_PATH=${join(dir, 'local')}`,
      `LIFEBOAT_LOCATION_R2_ENDPOINT=${s3.endpoint}`,
      'LIFEBOAT_WAL_LOCATIONS=r2,local',
      `LIFEBOAT_WAL_SYSTEM_ID=${SYSTEM_ID}`,
      `LIFEBOAT_MASTER_KEYS="${MASTER_KEYS}"`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
});

after(async () => {
  await s3.destroy();
  await rm(dir, { recursive: true, force: true });
});

test('wal-push copies the segment into the spool and exits 0; again with the same bytes, 0 again', async () => {
  const spool = join(dir, 'spool-ok');
  const name = '000000010000000000000002';
  const bytes = segment(name);
  const source = await walFile(name, bytes);
  for (let i = 0; i < 2; i++) {
    const sut = await runCli(['wal-push', source, '--spool', spool, '--system-id', SYSTEM_ID]);
    assert.equal(sut.code, 0, sut.stderr);
    assert.equal(sut.stderr, '');
    assert.equal(sut.stdout.length, 0);
  }
  assert.equal(sha256(await readFile(join(spool, name))), sha256(bytes));
});

test('wal-push refuses a segment of another system, and a full spool, with exit 1 and the code', async () => {
  const spool = join(dir, 'spool-refused');
  const foreign = '000000010000000000000003';
  const sut = await runCli(['wal-push', await walFile(foreign, segment(foreign, '7399999999999999999')), '--spool', spool, '--system-id', SYSTEM_ID]);
  assert.equal(sut.code, 1);
  assert.match(sut.stderr, /^lifeboat: CONFLICT: WAL file 000000010000000000000003 was written by database system 7399999999999999999, not 7312345678901234567: a second cluster is writing to this archive/);

  const first = '000000010000000000000004';
  const second = '000000010000000000000005';
  assert.equal((await runCli(['wal-push', await walFile(first, segment(first)), '--spool', spool, '--system-id', SYSTEM_ID, '--max-spool-bytes', '1000'])).code, 0);
  const full = await runCli(['wal-push', await walFile(second, segment(second)), '--spool', spool, '--system-id', SYSTEM_ID, '--max-spool-bytes', '1000']);
  assert.equal(full.code, 1);
  assert.match(full.stderr, /^lifeboat: WAL_SPOOL_FULL: the WAL spool .* holds 1048576 bytes, over its limit of 1000: 000000010000000000000005 refused/);
  assert.match(full.stderr, /^HINT: the shipper/m);
  assert.equal((await readdir(join(spool, 'alerts'))).length, 1);
});

test('wal-push usage errors exit 2', async () => {
  for (const [args, says] of [
    [['wal-push'], /missing the WAL file PATH/],
    [['wal-push', 'pg_wal/000000010000000000000001', '--system-id', SYSTEM_ID], /--spool is required/],
    [['wal-push', 'pg_wal/000000010000000000000001', '--spool', dir], /--system-id is required/],
    [['wal-push', 'pg_wal/000000010000000000000001', '--spool', dir, '--system-id', SYSTEM_ID, '--max-spool-bytes', 'lots'], /--max-spool-bytes must be an integer/],
  ] as const) {
    const sut = await runCli([...args]);
    assert.equal(sut.code, 2, args.join(' '));
    assert.match(sut.stderr, says);
  }
});

test('wal-fetch writes the file from the first WAL location that has it, reading only its env file', async () => {
  const inR2 = '000000010000000000000006';
  const onlyLocal = '000000010000000000000007';
  const r2Bytes = segment(inR2);
  const localBytes = segment(onlyLocal);
  await store('r2', inR2, await artifactOf(r2Bytes));
  await store('local', onlyLocal, await artifactOf(localBytes));
  // The server environment's own LIFEBOAT_* variables must not matter.
  const env = { LIFEBOAT_WAL_SYSTEM_ID: '1', LIFEBOAT_MASTER_KEYS: 'junk', LIFEBOAT_WAL_LOCATIONS: 'nowhere' };

  const first = join(await mkdtemp(join(dir, 'pg_wal-')), 'RECOVERYXLOG');
  const sut = await runCli(['wal-fetch', inR2, first, '--settings', envFile], { env });
  assert.equal(sut.code, 0, sut.stderr);
  assert.equal(sut.stderr, '');
  assert.equal(sha256(await readFile(first)), sha256(r2Bytes));

  const second = join(dirname(first), 'RECOVERYXLOG.2');
  const fromLocal = await runCli(['wal-fetch', onlyLocal, second, '--settings', envFile], { env });
  assert.equal(fromLocal.code, 0, fromLocal.stderr);
  assert.match(fromLocal.stderr, /^lifeboat: wal-fetch 000000010000000000000007: skipped r2: OBJECT_NOT_FOUND: .*; served by local\n$/);
  assert.equal(sha256(await readFile(second)), sha256(localBytes));
});

test('wal-fetch of a file no location has exits 1 with one line', async () => {
  const destination = join(await mkdtemp(join(dir, 'pg_wal-')), 'RECOVERYHISTORY');
  const sut = await runCli(['wal-fetch', '00000002.history', destination, '--settings', envFile]);
  assert.equal(sut.code, 1);
  assert.equal(sut.stderr, 'lifeboat: OBJECT_NOT_FOUND: WAL file 00000002.history is in no WAL location (r2, local)\n');
  assert.deepEqual(await readdir(dirname(destination)), []);
});

test('wal-fetch without a usable env file fails before fetching anything', async () => {
  const destination = join(dir, 'RECOVERYXLOG');
  const missing = await runCli(['wal-fetch', '000000010000000000000006', destination, '--settings', join(dir, 'nope.env')]);
  // Node 20 itself reads --settings even after the script's name, and stops (exit 9) before the
  // CLI runs when the file is missing; later Node versions leave it to the CLI (exit 1).
  assert.ok(missing.code === 1 || missing.code === 9, missing.stderr);
  assert.match(missing.stderr, /nope\.env: (cannot be read \(ENOENT\)|not found)/);

  const badFile = join(dir, 'bad.env');
  await writeFile(badFile, `LIFEBOAT_LOCATIONS=local\nLIFEBOAT_WAL_LOCATIONS=r2\nLIFEBOAT_WAL_SYSTEM_ID=${SYSTEM_ID}\nLIFEBOAT_MASTER_KEYS=${MASTER_KEYS}\n`);
  const bad = await runCli(['wal-fetch', '000000010000000000000006', destination, '--settings', badFile]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^lifeboat: CONFIG_INVALID: invalid configuration:\n {2}LIFEBOAT_WAL_LOCATIONS: r2 not in LIFEBOAT_LOCATIONS/);

  const usage = await runCli(['wal-fetch', '000000010000000000000006', destination]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--settings is required/);
});
