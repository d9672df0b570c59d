/**
 * What the storage-replicator learns about copies, reflected on the Backup record: VERIFIED (with
 * its time) once every location holds a copy that matches, back to COMPLETED when a copy is found
 * corrupt or missing (until it is repaired and verified again).
 */
import type { EntityManager } from '@lifeboat/db';
import type { EventBus, Inbox, Stoppable } from '@lifeboat/events';
import { Backup } from '../repositories/backup.entity';

export async function consumeVerification(bus: EventBus, inbox: Inbox<EntityManager>): Promise<Stoppable[]> {
  return Promise.all([
    bus.consume('backup-executor', 'backup.verified', inbox, async (event, em) => {
      // A later verification than the one recorded, of a backup that completed.
      const at = new Date(event.data.verifiedAt);
      await em.nativeUpdate(
        Backup,
        { id: event.data.backupId, status: { $in: ['COMPLETED', 'VERIFIED'] }, $or: [{ verifiedAt: null }, { verifiedAt: { $lt: at } }] },
        { status: 'VERIFIED', verifiedAt: at },
      );
    }),
    bus.consume('backup-executor', 'backup.copy_corrupt', inbox, async (event, em) => {
      await em.nativeUpdate(Backup, { id: event.data.backupId, status: 'VERIFIED' }, { status: 'COMPLETED' });
    }),
  ]);
}
