/** The restore service: restores from the healthiest copy and owns the restore logs. */
import type { ServiceDefinition } from '@lifeboat/service-host';
import { restoreOptions } from './config';
import { migrations } from './migrations';
import { RestoreLog } from './repositories/restore-log.entity';
import { RestoreLogRepository } from './repositories/restore-log.repository';
import { RestoreLogResolver } from './resolvers/restore-log.resolver';

export const restoreService: ServiceDefinition<typeof restoreOptions> = {
  name: 'restore',
  schema: 'restore',
  defaultPort: 4004,
  options: restoreOptions,
  entities: [RestoreLog],
  migrations,
  subgraph: { resolvers: [RestoreLogResolver] },
  resolvers: ({ orm }) => [new RestoreLogResolver(new RestoreLogRepository(orm))],
};
