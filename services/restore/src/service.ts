/** The restore service: restores from the healthiest copy and owns the restore logs. */
import { resolve } from 'node:path';
import type { Keyring } from '@lifeboat/artifact';
import { DatabaseServer, databaseNameOf } from '@lifeboat/pg-tools';
import type { ServiceContext, ServiceDefinition } from '@lifeboat/service-host';
import { type LocationConfig, loadLocations, openLocations } from '@lifeboat/storage';
import { tenancySettingsOf } from '@lifeboat/tenancy';
import { restoreOptions } from './config';
import { consumeCatalog } from './events/catalog.consumer';
import { ConfigurationRestore } from './jobs/configuration-restore';
import { ConfigurationResolver } from './resolvers/configuration.resolver';
import { PitrResolver } from './resolvers/pitr.resolver';
import { CopyFetcher } from './jobs/copy-fetcher';
import { RestoreJob } from './jobs/restore.job';
import { startStaleRestoreReaper } from './jobs/stale-restore.reaper';
import { TenantRestoreJob } from './jobs/tenant-restore.job';
import { PitrRestoreJob } from './jobs/pitr-restore.job';
import { migrations } from './migrations';
import { KnownBackup } from './repositories/known-backup.entity';
import { KnownWal } from './repositories/known-wal.entity';
import { KnownBackupRepository } from './repositories/known-backup.repository';
import { RestoreLog } from './repositories/restore-log.entity';
import { RestoreLogRepository } from './repositories/restore-log.repository';
import { RestoreLogResolver } from './resolvers/restore-log.resolver';
import { StartRestoreResolver } from './resolvers/start-restore.resolver';

type Ctx = ServiceContext<typeof restoreOptions>;

interface Parts {
  configuration: ConfigurationRestore;
  repo: RestoreLogRepository;
  known: KnownBackupRepository;
  server: DatabaseServer;
  job: RestoreJob;
  spoolDir: string;
}

/**
 * What `lifeboat wal-fetch` needs in a recovery cluster (it reads only its settings file, not
 * PostgreSQL's environment): the locations, the WAL locations and the master keys.
 */
function walFetchEnv(env: Record<string, string | undefined>, home: string, walLocations: string[]): Record<string, string> {
  const out: Record<string, string> = { LIFEBOAT_HOME: home, LIFEBOAT_WAL_LOCATIONS: walLocations.join(',') };
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && (k === 'LIFEBOAT_LOCATIONS' || k.startsWith('LIFEBOAT_LOCATION_') || k === 'LIFEBOAT_MASTER_KEYS')) out[k] = v;
  }
  return out;
}

/** Locations in the order restores read them: LIFEBOAT_RESTORE_PREFERENCE, then any not named. */
function preferenceOrder(configs: LocationConfig[], preference: string[] | undefined): LocationConfig[] {
  const named = (preference ?? []).map((n) => configs.find((c) => c.name === n)).filter((c): c is LocationConfig => c !== undefined);
  return [...named, ...configs.filter((c) => !named.includes(c))];
}

function setup(ctx: Ctx): Parts {
  const { config, orm, bus, logger, instance, env } = ctx;
  const locations = openLocations(preferenceOrder(loadLocations(env), config.LIFEBOAT_RESTORE_PREFERENCE));
  const repo = new RestoreLogRepository(orm);
  const known = new KnownBackupRepository(orm);
  const server = new DatabaseServer(config.LIFEBOAT_SOURCE_DATABASE_URL);
  const home = resolve(env.LIFEBOAT_HOME ?? process.cwd());
  const spoolDir = resolve(home, config.LIFEBOAT_RESTORE_SPOOL_DIR);
  const fetcher = new CopyFetcher(locations, config.LIFEBOAT_MASTER_KEYS as Keyring, bus);
  const settings = tenancySettingsOf(config);
  const tenants = new TenantRestoreJob({ repo, known, fetcher, sourceUrl: config.LIFEBOAT_SOURCE_DATABASE_URL, spoolDir, settings });
  const pitr = new PitrRestoreJob({
    repo,
    known,
    fetcher,
    server,
    sourceUrl: config.LIFEBOAT_SOURCE_DATABASE_URL,
    pitrDir: resolve(home, config.LIFEBOAT_PITR_DIR),
    spoolDir,
    serverBinDir: config.LIFEBOAT_PG_SERVER_BIN_DIR,
    pgBinDir: config.LIFEBOAT_PG_BIN_DIR,
    timeoutMs: config.LIFEBOAT_PITR_TIMEOUT_SECONDS * 1000,
    walFetchCommand: `${process.execPath} ${resolve(__dirname, '..', '..', '..', '..', 'cli', 'dist', 'src', 'main.js')}`,
    walFetchEnv: walFetchEnv(env, home, config.LIFEBOAT_WAL_LOCATIONS),
  });
  const job = new RestoreJob({ tenants, pitr, repo, known, fetcher, server, sourceUrl: config.LIFEBOAT_SOURCE_DATABASE_URL, spoolDir, pgBinDir: config.LIFEBOAT_PG_BIN_DIR, bus, logger, instance });
  return { repo, known, server, job, spoolDir, configuration: new ConfigurationRestore({ repo, fetcher, spoolDir, bus, instance }) };
}

export const restoreService: ServiceDefinition<typeof restoreOptions, Parts> = {
  name: 'restore',
  schema: 'restore',
  defaultPort: 4004,
  options: restoreOptions,
  entities: [RestoreLog, KnownBackup, KnownWal],
  migrations,
  subgraph: { resolvers: [RestoreLogResolver, StartRestoreResolver, ConfigurationResolver, PitrResolver] },
  setup,
  resolvers: (ctx, { repo, known, server, configuration }) => [
    new RestoreLogResolver(repo),
    new ConfigurationResolver(known, configuration),
    new PitrResolver(known, repo, ctx.config.LIFEBOAT_PG_SERVER_BIN_DIR),
    new StartRestoreResolver({
      repo,
      known,
      server,
      bus: ctx.bus,
      protectedDatabase: databaseNameOf(ctx.config.LIFEBOAT_SOURCE_DATABASE_URL),
      defaultJobs: ctx.config.LIFEBOAT_RESTORE_JOBS,
    }),
  ],
  start: async (ctx, { repo, known, server, job, spoolDir }) => [
    ...(await consumeCatalog(ctx.bus, ctx.inbox, known)),
    startStaleRestoreReaper({ repo, server, bus: ctx.bus, logger: ctx.logger, spoolDir, serverBinDir: ctx.config.LIFEBOAT_PG_SERVER_BIN_DIR }),
    await ctx.bus.workJobs('restore', ({ payload }) => job.run(payload.restoreId), { concurrency: ctx.config.LIFEBOAT_RESTORE_CONCURRENCY, ackWaitMs: 60_000, maxDeliver: 3 }),
  ],
};
