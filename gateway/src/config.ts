/** The gateway's options: its port, the subgraphs it composes, authentication and query limits. */
import { type ConfigOf, commonOptions, int, optional, port, secret, str, url } from '@lifeboat/config';

/** The subgraphs the gateway composes, with their default ports (the services' own defaults). */
export const SUBGRAPHS = [
  { name: 'scheduler', defaultPort: 4001 },
  { name: 'backup-executor', defaultPort: 4002 },
  { name: 'storage-replicator', defaultPort: 4003 },
  { name: 'restore', defaultPort: 4004 },
  { name: 'dr', defaultPort: 4005 },
  { name: 'monitor', defaultPort: 4006 },
] as const;

export type SubgraphName = (typeof SUBGRAPHS)[number]['name'];

export function subgraphUrlVariable(name: string): string {
  return `LIFEBOAT_${name.toUpperCase().replace(/-/g, '_')}_URL`;
}

const subgraphUrlOptions = Object.fromEntries(
  SUBGRAPHS.map((s) => [
    subgraphUrlVariable(s.name),
    url({ description: `Base URL of the ${s.name} service`, protocols: ['http', 'https'], default: `http://127.0.0.1:${s.defaultPort}` }),
  ]),
) as Record<`LIFEBOAT_${string}_URL`, ReturnType<typeof url>>;

export const gatewayOptions = {
  ...commonOptions,
  LIFEBOAT_BIND_HOST: str({ description: 'Address the HTTP servers listen on', default: '127.0.0.1' }),
  LIFEBOAT_GATEWAY_PORT: port({ description: 'Port of the gateway (GraphQL over HTTP and graphql-ws)', default: 4000 }),
  LIFEBOAT_JWT_SECRET: secret({ description: 'Secret that signs login tokens (JWT, HS256)', minLength: 32 }),
  LIFEBOAT_JWT_TTL_SECONDS: int({ description: 'Lifetime of a login token, seconds', default: 43_200, min: 60 }),
  LIFEBOAT_ADMIN_EMAIL: optional(str({ description: 'Email of the first admin, created at first start when no admin exists' })),
  LIFEBOAT_ADMIN_PASSWORD: optional(secret({ description: 'Password of the first admin (at least 12 characters)', minLength: 12 })),
  LIFEBOAT_MAX_QUERY_DEPTH: int({ description: 'Deepest selection nesting a query may have', default: 12, min: 2 }),
  LIFEBOAT_MAX_QUERY_FIELDS: int({ description: 'Most field selections (aliases included) a query may have', default: 300, min: 10 }),
  LIFEBOAT_MAX_QUERY_BYTES: int({ description: 'Largest query document accepted, bytes', default: 20_000, min: 1000 }),
  ...subgraphUrlOptions,
};

export type GatewayConfig = ConfigOf<typeof gatewayOptions>;
