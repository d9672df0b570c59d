/** The monitor: alert rules, alerts and their delivery. */
import type { ServiceDefinition } from '@lifeboat/service-host';
import { monitorOptions } from './config';
import { migrations } from './migrations';
import { Alert } from './repositories/alert.entity';
import { AlertRepository } from './repositories/alert.repository';
import { AlertResolver } from './resolvers/alert.resolver';

export const monitor: ServiceDefinition<typeof monitorOptions> = {
  name: 'monitor',
  schema: 'monitor',
  defaultPort: 4006,
  options: monitorOptions,
  entities: [Alert],
  migrations,
  subgraph: { resolvers: [AlertResolver] },
  resolvers: ({ orm }) => [new AlertResolver(new AlertRepository(orm))],
};
