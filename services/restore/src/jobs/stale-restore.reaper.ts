/**
 * Restores whose service died mid-way (no heartbeat for a minute, or a process of this machine
 * that is gone): marked FAILED (never RUNNING forever) and cleaned up —
 * the database they were building dropped, their spool file removed. At start, the spool files
 * of restores that are not running any more are removed too (the spool is this machine's disk).
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { messageOf } from '@lifeboat/errors';
import type { EventBus, Stoppable } from '@lifeboat/events';
import type { Logger } from '@lifeboat/observability';
import { isDeadLocalInstance } from '@lifeboat/service-host';
import { PgCluster } from '@lifeboat/pg-cluster';
import type { DatabaseServer } from '@lifeboat/pg-tools';
import type { RestoreLogRepository } from '../repositories/restore-log.repository';

const RESTORE_HEARTBEAT_STALE_MS = 60_000;
/**
 * A restore's spool files, named after its id: a full restore's TOC and list (`<id>.dump`,
 * `<id>.list`), a configuration archive (`<id>.tar`), a base backup (`<id>.base.tar`), tenant
 * archives (`<id>-<tenant>.archive`).
 */
const SPOOL_FILE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:\.base\.tar|-.+\.archive|\.(?:dump|list|tar))$/;

export function startStaleRestoreReaper(
  deps: { repo: RestoreLogRepository; server: DatabaseServer; bus: EventBus; logger: Logger; spoolDir: string; serverBinDir: string },
  everyMs = 30_000,
): Stoppable {
  const sweep = async () => {
    const before = new Date(Date.now() - RESTORE_HEARTBEAT_STALE_MS);
    const stopped = (await deps.repo.running()).filter((l) => (l.heartbeatAt !== null && l.heartbeatAt < before) || isDeadLocalInstance(l.instance));
    for (const log of stopped) {
      const reason = `INTERNAL: the restore service running it (${log.instance ?? 'unknown'}) stopped before it finished; nothing was changed`;
      if (log.workingDatabase) await deps.server.drop(log.workingDatabase);
      // A recovery cluster outlives the service that started it: stop it and remove its files.
      if (log.restoreMode === 'PITR' && log.clusterDataDir && !log.clusterUrl) {
        await PgCluster.open({ dataDir: log.clusterDataDir, port: 1, binDir: deps.serverBinDir })
          .then((c) => c.destroy())
          .catch(() => rm(log.clusterDataDir!, { recursive: true, force: true }));
      }
      if (log.spoolPath) await rm(log.spoolPath, { force: true });
      await deps.repo.update(log.id, { status: 'FAILED', errorMessage: reason, completedAt: new Date() });
      await deps.bus.publish('restore.failed', { restoreId: log.id, backupId: log.backupId, mode: log.restoreMode, error: { code: 'INTERNAL', message: reason } }, { id: `${log.id}:stale` });
      deps.logger.warn({ restoreId: log.id, instance: log.instance }, 'failed a restore whose service stopped, and cleaned up after it');
    }
  };
  const run = () => void sweep().catch((err) => deps.logger.warn({ err: messageOf(err) }, 'stale restore sweep failed'));
  const orphans = async () => {
    const running = new Set((await deps.repo.running()).filter((l) => !isDeadLocalInstance(l.instance)).map((l) => l.id));
    const files = await readdir(deps.spoolDir).catch(() => [] as string[]);
    for (const f of files) {
      const restore = SPOOL_FILE.exec(f);
      if (restore && !running.has(restore[1])) await rm(join(deps.spoolDir, f), { force: true });
    }
  };
  void orphans().catch((err) => deps.logger.warn({ err: messageOf(err) }, 'spool sweep failed'));
  run();
  const timer = setInterval(run, everyMs);
  return { stop: async () => clearInterval(timer) };
}
