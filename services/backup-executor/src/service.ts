/** The backup-executor: runs backup jobs and owns the Backup records. */
import type { Keyring } from '@lifeboat/artifact';
import type { ServiceContext, ServiceDefinition } from '@lifeboat/service-host';
import { loadLocations, openLocations } from '@lifeboat/storage';
import { backupExecutorOptions } from './config';
import { consumeVerification } from './events/verification.consumer';
import { BackupJobHandler } from './jobs/backup-job.handler';
import { FullBackupJob } from './jobs/full-backup.job';
import { startStaleBackupReaper } from './jobs/stale-backup.reaper';
import { migrations } from './migrations';
import { Backup } from './repositories/backup.entity';
import { BackupRepository } from './repositories/backup.repository';
import { BackupJobResolver } from './resolvers/backup-job.resolver';
import { BackupResolver } from './resolvers/backup.resolver';
import { BackupJobReference, resolveBackupJobReference } from './schema/backup-job.reference';

type Ctx = ServiceContext<typeof backupExecutorOptions>;

async function start(ctx: Ctx) {
  const { config, orm, bus, logger, instance } = ctx;
  const locations = openLocations(loadLocations(ctx.env));
  const repo = new BackupRepository(orm);
  const full = new FullBackupJob({
    orm,
    repo,
    bus,
    first: locations[0],
    keyring: config.LIFEBOAT_MASTER_KEYS as Keyring,
    sourceUrl: config.LIFEBOAT_SOURCE_DATABASE_URL,
    compression: { level: config.LIFEBOAT_COMPRESSION_LEVEL, workers: config.LIFEBOAT_COMPRESSION_WORKERS },
    pgBinDir: config.LIFEBOAT_PG_BIN_DIR,
    instance,
    logger,
  });
  const handler = new BackupJobHandler({ full, repo, bus, instance, logger });
  return [
    ...(await consumeVerification(bus, ctx.inbox)),
    startStaleBackupReaper({ repo, bus, locations, logger }),
    // A long backup keeps its job in progress; a job whose executor dies comes back after a minute.
    await bus.workJobs('backup', (job) => handler.handle(job), { concurrency: config.LIFEBOAT_BACKUP_CONCURRENCY, ackWaitMs: 60_000 }),
  ];
}

export const backupExecutor: ServiceDefinition<typeof backupExecutorOptions> = {
  name: 'backup-executor',
  schema: 'backup_executor',
  defaultPort: 4002,
  options: backupExecutorOptions,
  entities: [Backup],
  migrations,
  subgraph: { resolvers: [BackupResolver, BackupJobResolver], orphanedTypes: [BackupJobReference] },
  resolvers: ({ orm }) => {
    const repo = new BackupRepository(orm);
    return [new BackupResolver(repo), new BackupJobResolver(repo)];
  },
  references: ({ orm }) => {
    const repo = new BackupRepository(orm);
    return {
      Backup: { __resolveReference: (ref: { id: string }) => repo.get(ref.id) },
      BackupJob: { __resolveReference: resolveBackupJobReference },
    };
  },
  start,
};
