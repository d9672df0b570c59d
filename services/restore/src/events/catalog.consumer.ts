/** Keeps the restore service's knowledge of backups and archived WAL current from the executor's and the replicator's events. */
import type { EntityManager } from '@lifeboat/db';
import type { EventBus, Inbox, Stoppable } from '@lifeboat/events';
import type { KnownBackupRepository } from '../repositories/known-backup.repository';
import { KnownWal } from '../repositories/known-wal.entity';

/** These handlers are one statement each, insert-or-ignore or an update to a later time: run again, they change nothing. */
const IDEMPOTENT = { idempotent: true };

export async function consumeCatalog(bus: EventBus, inbox: Inbox<EntityManager>, known: KnownBackupRepository): Promise<Stoppable[]> {
  return Promise.all([
    bus.consume('restore', 'backup.created', inbox, async (event, em) => {
      const d = event.data;
      await known.recordCreated(em, {
        id: d.backupId,
        type: d.type,
        tenantId: d.tenantId,
        jobId: d.jobId,
        key: d.path,
        checksum: d.checksum,
        sizeBytes: d.sizeBytes,
        keyId: d.keyId,
        createdAt: new Date(event.occurredAt),
      });
    }, IDEMPOTENT),
    bus.consume('restore', 'wal.archived', inbox, async (event, em) => {
      const d = event.data;
      await em.upsert(KnownWal, { segment: d.segment, systemId: d.systemId, timeline: d.timeline, spooledAt: new Date(d.spooledAt), archivedAt: new Date(d.archivedAt) });
    }),
    bus.consume('restore', 'backup.verified', inbox, async (event, em) => {
      await known.recordVerified(em, event.data.backupId, new Date(event.data.verifiedAt));
    }, IDEMPOTENT),
  ]);
}
