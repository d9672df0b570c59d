/**
 * Fails backups whose executor died mid-way (no heartbeat for a minute, or a process of this
 * machine that is gone): their record would
 * otherwise say IN_PROGRESS forever. Whatever the dead executor wrote is removed; the job itself
 * is delivered again by the work queue and runs anew.
 */
import { messageOf } from '@lifeboat/errors';
import type { EventBus, Stoppable } from '@lifeboat/events';
import { manifestKeyOf } from '@lifeboat/manifest';
import type { Logger } from '@lifeboat/observability';
import { isDeadLocalInstance } from '@lifeboat/service-host';
import type { Storage } from '@lifeboat/storage';
import type { BackupRepository } from '../repositories/backup.repository';
import { HEARTBEAT_STALE_MS } from './backup-job.handler';

export function startStaleBackupReaper(deps: { repo: BackupRepository; bus: EventBus; locations: Storage[]; logger: Logger }, everyMs = 30_000): Stoppable {
  const sweep = async () => {
    const before = new Date(Date.now() - HEARTBEAT_STALE_MS);
    const stopped = (await deps.repo.inProgress()).filter((b) => (b.heartbeatAt !== null && b.heartbeatAt < before) || isDeadLocalInstance(b.instance));
    for (const backup of stopped) {
      const reason = `INTERNAL: the executor running it (${backup.instance ?? 'unknown'}) stopped before it finished`;
      const location = deps.locations.find((l) => l.name === backup.location);
      await location?.remove(manifestKeyOf(backup.key)).catch(() => undefined);
      await location?.remove(backup.key).catch(() => undefined);
      await deps.repo.update(backup.id, { status: 'FAILED', error: reason, completedAt: new Date() });
      await deps.bus.publish(
        'backup.failed',
        { backupId: backup.id, type: backup.type, tenantId: backup.tenantId, jobId: backup.jobId, error: { code: 'INTERNAL', message: reason } },
        { id: `${backup.id}:stale` },
      );
      deps.logger.warn({ backupId: backup.id, instance: backup.instance }, 'failed a backup whose executor stopped');
    }
  };
  const run = () => void sweep().catch((err) => deps.logger.warn({ err: messageOf(err) }, 'stale backup sweep failed'));
  run();
  const timer = setInterval(run, everyMs);
  return { stop: async () => clearInterval(timer) };
}
