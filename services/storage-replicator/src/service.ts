/** The storage-replicator: copies, verification, repair and retention of backups in every location. */
import type { ServiceDefinition } from '@lifeboat/service-host';
import { storageReplicatorOptions } from './config';
import { migrations } from './migrations';
import { BackupCopy } from './repositories/backup-copy.entity';
import { BackupCopyRepository } from './repositories/backup-copy.repository';
import { BackupCopiesResolver } from './resolvers/backup-copies.resolver';
import { BackupReference, resolveBackupReference } from './schema/backup.reference';

export const storageReplicator: ServiceDefinition<typeof storageReplicatorOptions> = {
  name: 'storage-replicator',
  schema: 'storage_replicator',
  defaultPort: 4003,
  options: storageReplicatorOptions,
  entities: [BackupCopy],
  migrations,
  subgraph: {
    resolvers: [BackupCopiesResolver],
    orphanedTypes: [BackupReference],
    referenceResolvers: { Backup: { __resolveReference: resolveBackupReference } },
  },
  resolvers: ({ orm }) => [new BackupCopiesResolver(new BackupCopyRepository(orm))],
};
