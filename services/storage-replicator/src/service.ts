/** The storage-replicator: copies, verification, repair and retention of backups in every location. */
import type { ServiceContext, ServiceDefinition } from '@lifeboat/service-host';
import { loadLocations, openLocations, type Storage } from '@lifeboat/storage';
import { storageReplicatorOptions } from './config';
import { consumeReplication } from './events/replication.consumer';
import { BackupVerifier } from './jobs/backup-verifier';
import { ReplicationWorker } from './jobs/replication.worker';
import { migrations } from './migrations';
import { BackupCopy } from './repositories/backup-copy.entity';
import { BackupCopyRepository } from './repositories/backup-copy.repository';
import { Replication } from './repositories/replication.entity';
import { ReplicationRepository } from './repositories/replication.repository';
import { BackupCopiesResolver } from './resolvers/backup-copies.resolver';
import { StorageResolver } from './resolvers/storage.resolver';
import { BackupReference, resolveBackupReference } from './schema/backup.reference';

type Ctx = ServiceContext<typeof storageReplicatorOptions>;

interface Parts {
  locations: Storage[];
  repo: ReplicationRepository;
  worker: ReplicationWorker;
  verifier: BackupVerifier;
}

function setup(ctx: Ctx): Parts {
  const locations = openLocations(loadLocations(ctx.env));
  const repo = new ReplicationRepository(ctx.orm);
  const worker = new ReplicationWorker(repo, locations, ctx.bus, ctx.logger, {
    concurrency: ctx.config.LIFEBOAT_REPLICATION_CONCURRENCY,
    maxBackoffMs: ctx.config.LIFEBOAT_REPLICATION_MAX_BACKOFF_SECONDS * 1000,
  });
  return { locations, repo, worker, verifier: new BackupVerifier(repo, locations, ctx.bus, worker) };
}

export const storageReplicator: ServiceDefinition<typeof storageReplicatorOptions, Parts> = {
  name: 'storage-replicator',
  schema: 'storage_replicator',
  defaultPort: 4003,
  options: storageReplicatorOptions,
  entities: [BackupCopy, Replication],
  migrations,
  subgraph: { resolvers: [BackupCopiesResolver, StorageResolver], orphanedTypes: [BackupReference] },
  setup,
  resolvers: (ctx, { locations, verifier }) => [new BackupCopiesResolver(new BackupCopyRepository(ctx.orm)), new StorageResolver(locations, verifier)],
  references: () => ({ Backup: { __resolveReference: resolveBackupReference } }),
  start: async (ctx, { locations, repo, worker }) => {
    const consumers = await consumeReplication(ctx.bus, ctx.inbox, repo, locations.map((l) => l.name), () => worker.poke());
    return [...consumers, worker.start()];
  },
};
