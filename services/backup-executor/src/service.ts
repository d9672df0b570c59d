/** The backup-executor: runs backup jobs and owns the Backup records. */
import type { ServiceDefinition } from '@lifeboat/service-host';
import { backupExecutorOptions } from './config';
import { migrations } from './migrations';
import { Backup } from './repositories/backup.entity';
import { BackupRepository } from './repositories/backup.repository';
import { BackupResolver } from './resolvers/backup.resolver';

export const backupExecutor: ServiceDefinition<typeof backupExecutorOptions> = {
  name: 'backup-executor',
  schema: 'backup_executor',
  defaultPort: 4002,
  options: backupExecutorOptions,
  entities: [Backup],
  migrations,
  subgraph: { resolvers: [BackupResolver] },
  resolvers: ({ orm }) => [new BackupResolver(new BackupRepository(orm))],
};
