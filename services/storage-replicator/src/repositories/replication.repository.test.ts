import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { type MikroORM, openDatabase } from '@lifeboat/db';
import { type TempDatabase, createTempDatabase } from '@lifeboat/testkit';
import { migrations } from '../migrations';
import { BackupCopy } from './backup-copy.entity';
import { Replication } from './replication.entity';
import { ReplicationRepository } from './replication.repository';

const LOCATIONS = ['local', 'r2', 'b2'];
const SEEN = { checksum: 'a'.repeat(64), sizeBytes: 42 };

let db: TempDatabase;
let orm: MikroORM;
let repo: ReplicationRepository;

before(async () => {
  db = await createTempDatabase('replication');
  orm = await openDatabase({ url: db.url, schema: 'storage_replicator', entities: [BackupCopy, Replication], migrations });
  repo = new ReplicationRepository(orm);
});

after(async () => {
  await orm.close(true);
  await db.drop();
});

/** A backup registered with a copy in every location; returns its id and its copies' ids by location. */
async function registered(): Promise<{ backupId: string; copies: Map<string, string> }> {
  const backupId = randomUUID();
  await repo.register(orm.em.fork(), { backupId, key: `tenant/db/${backupId}.tenant.gz.enc`, checksum: SEEN.checksum, sizeBytes: SEEN.sizeBytes, sourceLocation: 'local' }, LOCATIONS);
  const copies = await orm.em.fork().find(BackupCopy, { backupId });
  return { backupId, copies: new Map(copies.map((c) => [c.location, c.id])) };
}

test('recordVerifiedCopy completes a backup with its last copy only, and records what the copy held', async () => {
  const { backupId, copies } = await registered();
  const at = new Date('2026-11-28T05:00:00.123Z');
  assert.equal(await repo.recordVerifiedCopy(copies.get('local')!, SEEN, at, LOCATIONS), false);
  assert.equal(await repo.recordVerifiedCopy(copies.get('r2')!, SEEN, at, LOCATIONS), false);
  assert.equal((await repo.replication(backupId))!.verifiedAt, null, 'two copies of three verified: not the backup');

  assert.equal(await repo.recordVerifiedCopy(copies.get('b2')!, SEEN, at, LOCATIONS), true);
  assert.deepEqual((await repo.replication(backupId))!.verifiedAt, at);
  const b2 = await orm.em.fork().findOneOrFail(BackupCopy, { id: copies.get('b2')! });
  assert.deepEqual(
    { status: b2.status, checksum: b2.checksum, sizeBytes: b2.sizeBytes, verifiedAt: b2.verifiedAt, leaseUntil: b2.leaseUntil, nextAttemptAt: b2.nextAttemptAt },
    { status: 'VERIFIED', checksum: SEEN.checksum, sizeBytes: SEEN.sizeBytes, verifiedAt: at, leaseUntil: null, nextAttemptAt: null },
  );
});

test('of copies verified at the same moment, exactly one completes their backup', async () => {
  // Each round: every copy of a fresh backup verified at once, on connections of their own.
  for (let round = 0; round < 20; round++) {
    const { backupId, copies } = await registered();
    const at = new Date();
    const completed = await Promise.all(LOCATIONS.map((location) => repo.recordVerifiedCopy(copies.get(location)!, SEEN, at, LOCATIONS)));
    assert.equal(completed.filter(Boolean).length, 1, `round ${round}: ${completed.join(', ')}`);
    assert.deepEqual((await repo.replication(backupId))!.verifiedAt, at);
  }
});

test('recordVerifiedCopy of a copy that does not exist changes nothing', async () => {
  assert.equal(await repo.recordVerifiedCopy(randomUUID(), SEEN, new Date(), LOCATIONS), false);
});
