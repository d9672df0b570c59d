/** Keeps the restore service's knowledge of backups and archived WAL current from the executor's and the replicator's events. */
import type { EntityManager } from '@lifeboat/db';
import type { EventBus, Inbox, Stoppable } from '@lifeboat/events';
import { KnownBackup } from '../repositories/known-backup.entity';
import { KnownWal } from '../repositories/known-wal.entity';

export async function consumeCatalog(bus: EventBus, inbox: Inbox<EntityManager>): Promise<Stoppable[]> {
  return Promise.all([
    bus.consume('restore', 'backup.created', inbox, async (event, em) => {
      const d = event.data;
      // One statement: a backup already known stays as it is.
      await em
        .createQueryBuilder(KnownBackup)
        .insert({
          id: d.backupId,
          type: d.type,
          tenantId: d.tenantId,
          jobId: d.jobId,
          key: d.path,
          checksum: d.checksum,
          sizeBytes: d.sizeBytes,
          keyId: d.keyId,
          createdAt: new Date(event.occurredAt),
        })
        .onConflict('id')
        .ignore()
        .execute('run');
    }),
    bus.consume('restore', 'wal.archived', inbox, async (event, em) => {
      const d = event.data;
      await em.upsert(KnownWal, { segment: d.segment, systemId: d.systemId, timeline: d.timeline, spooledAt: new Date(d.spooledAt), archivedAt: new Date(d.archivedAt) });
    }),
    bus.consume('restore', 'backup.verified', inbox, async (event, em) => {
      await em.nativeUpdate(KnownBackup, { id: event.data.backupId }, { verifiedAt: new Date(event.data.verifiedAt) });
    }),
  ]);
}
