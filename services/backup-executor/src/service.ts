/** The backup-executor: runs backup jobs and owns the Backup records. */
import { resolve } from 'node:path';
import type { Keyring } from '@lifeboat/artifact';
import { LifeboatError } from '@lifeboat/errors';
import type { ServiceContext, ServiceDefinition } from '@lifeboat/service-host';
import { loadLocations, openLocations, type Storage } from '@lifeboat/storage';
import { tenancySettingsOf } from '@lifeboat/tenancy';
import { backupExecutorOptions } from './config';
import { consumeVerification } from './events/verification.consumer';
import { BackupJobHandler } from './jobs/backup-job.handler';
import { BackupRecorder } from './jobs/backup-recorder';
import { BaseBackupJob, clusterFacts } from './jobs/base-backup.job';
import { WalCheckJob } from './jobs/wal-check.job';
import { WalRetention } from './jobs/wal-retention';
import { WalShipper } from './jobs/wal-shipper';
import { WalSegment } from './repositories/wal-segment.entity';
import { WalSegmentRepository } from './repositories/wal-segment.repository';
import { ConfigurationBackupJob } from './jobs/configuration-backup.job';
import { FullBackupJob } from './jobs/full-backup.job';
import { startStaleBackupReaper } from './jobs/stale-backup.reaper';
import { TenantBackupJob } from './jobs/tenant-backup.job';
import { migrations } from './migrations';
import { Backup } from './repositories/backup.entity';
import { BackupRepository } from './repositories/backup.repository';
import { BackupJobResolver } from './resolvers/backup-job.resolver';
import { BackupResolver } from './resolvers/backup.resolver';
import { TenantResolver } from './resolvers/tenant.resolver';
import { BackupJobReference, resolveBackupJobReference } from './schema/backup-job.reference';

type Ctx = ServiceContext<typeof backupExecutorOptions>;

interface Parts {
  repo: BackupRepository;
  locations: Storage[];
  handler: BackupJobHandler;
  shipper?: WalShipper;
}

function setup(ctx: Ctx): Parts {
  const { config, orm, bus, logger, instance } = ctx;
  const locations = openLocations(loadLocations(ctx.env));
  const repo = new BackupRepository(orm);
  const recorder = new BackupRecorder({ repo, bus, first: locations[0], keyring: config.LIFEBOAT_MASTER_KEYS as Keyring, instance, logger });
  const full = new FullBackupJob({
    orm,
    recorder,
    sourceUrl: config.LIFEBOAT_SOURCE_DATABASE_URL,
    compression: { level: config.LIFEBOAT_COMPRESSION_LEVEL, workers: config.LIFEBOAT_COMPRESSION_WORKERS },
    pgBinDir: config.LIFEBOAT_PG_BIN_DIR,
  });
  const tenants = new TenantBackupJob({
    recorder,
    sourceUrl: config.LIFEBOAT_SOURCE_DATABASE_URL,
    settings: tenancySettingsOf(config),
    exportRole: config.LIFEBOAT_TENANT_EXPORT_ROLE,
    concurrency: config.LIFEBOAT_TENANT_BACKUP_CONCURRENCY,
    level: config.LIFEBOAT_COMPRESSION_LEVEL,
  });
  const configuration = new ConfigurationBackupJob({
    recorder,
    repo,
    root: resolve(ctx.env.LIFEBOAT_HOME ?? process.cwd(), config.LIFEBOAT_CONFIG_ROOT ?? '.'),
    globs: config.LIFEBOAT_CONFIG_GLOBS,
    level: config.LIFEBOAT_COMPRESSION_LEVEL,
  });
  const base = new BaseBackupJob({ recorder, sourceUrl: config.LIFEBOAT_SOURCE_DATABASE_URL, compression: { level: config.LIFEBOAT_COMPRESSION_LEVEL, workers: config.LIFEBOAT_COMPRESSION_WORKERS }, pgBinDir: config.LIFEBOAT_PG_BIN_DIR });
  const facts = once(() => clusterFacts(config.LIFEBOAT_SOURCE_DATABASE_URL));
  const wal = walLocations(locations, config.LIFEBOAT_WAL_LOCATIONS);
  const segments = new WalSegmentRepository(orm);
  const spoolDir = config.LIFEBOAT_WAL_SPOOL_DIR ? resolve(ctx.env.LIFEBOAT_HOME ?? process.cwd(), config.LIFEBOAT_WAL_SPOOL_DIR) : undefined;
  const shipper = spoolDir
    ? new WalShipper({
        spoolDir,
        locations: wal,
        keyring: config.LIFEBOAT_MASTER_KEYS as Keyring,
        level: config.LIFEBOAT_WAL_COMPRESSION_LEVEL,
        repo,
        segments,
        bus,
        logger,
        systemId: async () => (await facts()).systemId,
      })
    : undefined;
  const retention = new WalRetention({ repo, segments, locations: wal, windowDays: config.LIFEBOAT_PITR_WINDOW_DAYS, spoolDir, logger });
  const walCheck = new WalCheckJob(shipper, bus, config.LIFEBOAT_WAL_STUCK_SECONDS * 1000, retention);
  const baseWithFull = async () => config.LIFEBOAT_BASE_BACKUP_WITH_FULL && (await facts()).archiving;
  return { repo, locations, shipper, handler: new BackupJobHandler({ full, tenants, configuration, base, walCheck, baseWithFull, repo, bus, instance, logger }) };
}

/** The WAL locations, in the configured order; each must be a configured location. */
function walLocations(locations: Storage[], names: string[]): Storage[] {
  return names.map((name) => {
    const location = locations.find((l) => l.name === name);
    if (!location) throw new LifeboatError('CONFIG_INVALID', `LIFEBOAT_WAL_LOCATIONS: ${name} is not a configured location (LIFEBOAT_LOCATIONS)`);
    return location;
  });
}

/** A lazily computed value, computed again after a failure. */
function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= fn().catch((err: unknown) => {
    value = undefined;
    throw err;
  }));
}

export const backupExecutor: ServiceDefinition<typeof backupExecutorOptions, Parts> = {
  name: 'backup-executor',
  schema: 'backup_executor',
  defaultPort: 4002,
  options: backupExecutorOptions,
  entities: [Backup, WalSegment],
  migrations,
  subgraph: { resolvers: [BackupResolver, BackupJobResolver, TenantResolver], orphanedTypes: [BackupJobReference] },
  setup,
  resolvers: (ctx, { repo }) => [
    new BackupResolver(repo),
    new BackupJobResolver(repo),
    new TenantResolver(ctx.config.LIFEBOAT_SOURCE_DATABASE_URL, tenancySettingsOf(ctx.config), repo),
  ],
  references: (_ctx, { repo }) => ({
    Backup: { __resolveReference: (ref: { id: string }) => repo.get(ref.id) },
    BackupJob: { __resolveReference: resolveBackupJobReference },
  }),
  start: async (ctx, { repo, locations, handler, shipper }) => [
    ...(await consumeVerification(ctx.bus, ctx.inbox, repo)),
    ...(shipper ? [shipper.start()] : []),
    startStaleBackupReaper({ repo, bus: ctx.bus, locations, logger: ctx.logger }),
    // A long backup keeps its job in progress; a job whose executor dies comes back after a minute.
    await ctx.bus.workJobs('backup', (job) => handler.handle(job), { concurrency: ctx.config.LIFEBOAT_BACKUP_CONCURRENCY, ackWaitMs: 60_000 }),
  ],
};
