/**
 * What the storage-replicator learns about copies, reflected on the Backup record: VERIFIED (with
 * its time) once every location holds a copy that matches, back to COMPLETED when a copy is found
 * corrupt or missing (until it is repaired and verified again).
 */
import type { EntityManager } from '@lifeboat/db';
import type { EventBus, Inbox, Stoppable } from '@lifeboat/events';
import { Backup } from '../repositories/backup.entity';
import type { BackupRepository } from '../repositories/backup.repository';

export async function consumeVerification(bus: EventBus, inbox: Inbox<EntityManager>, repo: BackupRepository): Promise<Stoppable[]> {
  return Promise.all([
    bus.consume('backup-executor', 'backup.verified', inbox, async (event, em) => {
      // One update, conditioned on a later time: run again, it changes nothing.
      await repo.markVerified(em, event.data.backupId, new Date(event.data.verifiedAt));
    }, { idempotent: true }),
    bus.consume('backup-executor', 'backup.copy_corrupt', inbox, async (event, em) => {
      await em.nativeUpdate(Backup, { id: event.data.backupId, status: 'VERIFIED' }, { status: 'COMPLETED' });
    }),
  ]);
}
