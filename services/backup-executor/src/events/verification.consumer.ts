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
      const backup = await em.findOne(Backup, { id: event.data.backupId });
      if (!backup || (backup.status !== 'COMPLETED' && backup.status !== 'VERIFIED')) return;
      const at = new Date(event.data.verifiedAt);
      if (backup.verifiedAt && backup.verifiedAt >= at) return;
      backup.status = 'VERIFIED';
      backup.verifiedAt = at;
    }),
    bus.consume('backup-executor', 'backup.copy_corrupt', inbox, async (event, em) => {
      const backup = await em.findOne(Backup, { id: event.data.backupId });
      if (backup?.status === 'VERIFIED') backup.status = 'COMPLETED';
    }),
  ]);
}
