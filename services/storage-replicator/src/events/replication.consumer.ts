/**
 * The replicator's inputs: a new backup (record it and a copy per location, for the worker) and
 * a copy found corrupt or missing by anyone, a restore say (mark it so, and queue it to be copied
 * again from a good copy: the repair).
 */
import type { EntityManager } from '@lifeboat/db';
import type { EventBus, Inbox, Stoppable } from '@lifeboat/events';
import { BackupCopy } from '../repositories/backup-copy.entity';
import type { ReplicationRepository } from '../repositories/replication.repository';

/** `newWork` is called once a new backup's copies are recorded (committed): the worker looks at once. */
export async function consumeReplication(
  bus: EventBus,
  inbox: Inbox<EntityManager>,
  repo: ReplicationRepository,
  locations: string[],
  newWork: () => void,
): Promise<Stoppable[]> {
  return Promise.all([
    bus.consume('storage-replicator', 'backup.created', inbox, async (event, em) => {
      const d = event.data;
      // One insert-or-ignore of the backup and its copies: run again, it changes nothing.
      await repo.register(em, { backupId: d.backupId, key: d.path, checksum: d.checksum, sizeBytes: d.sizeBytes, sourceLocation: d.location }, locations);
      newWork();
    }, { idempotent: true }),
    bus.consume('storage-replicator', 'backup.copy_corrupt', inbox, async (event, em) => {
      const copy = await em.findOne(BackupCopy, { backupId: event.data.backupId, location: event.data.location });
      if (!copy || copy.status === 'PENDING' || copy.status === 'UPLOADING') return;
      if (copy.verifiedAt && copy.verifiedAt > new Date(event.occurredAt)) return;
      copy.status = event.data.code === 'OBJECT_NOT_FOUND' ? 'MISSING' : 'CORRUPT';
      copy.nextAttemptAt ??= new Date();
      copy.lastError = `${event.data.code}: ${event.data.message}`;
    }),
  ]);
}
