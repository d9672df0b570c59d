/** The dr service: incidents, the recovery runbook and its measurements. */
import type { ServiceDefinition } from '@lifeboat/service-host';
import { drOptions } from './config';
import { migrations } from './migrations';
import { Incident } from './repositories/incident.entity';
import { IncidentRepository } from './repositories/incident.repository';
import { IncidentResolver } from './resolvers/incident.resolver';

export const drService: ServiceDefinition<typeof drOptions> = {
  name: 'dr',
  schema: 'dr',
  defaultPort: 4005,
  options: drOptions,
  entities: [Incident],
  migrations,
  subgraph: { resolvers: [IncidentResolver] },
  resolvers: ({ orm }) => [new IncidentResolver(new IncidentRepository(orm))],
};
