/**
 * The host every Lifeboat service runs in: configuration validated once, JSON logs, the metadata
 * database with migrations, NATS with its streams, the subgraph over HTTP (refusing requests the
 * gateway did not sign), health, metrics, and an orderly shutdown. A service supplies only what
 * is its own: entities, migrations, resolvers and the consumers or workers it starts.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Server } from 'node:http';
import express from 'express';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import type { EntityClass, MigrationObject } from '@mikro-orm/core';
import { type ConfigOf, type OptionSet, commonOptions, loadConfig, port, str } from '@lifeboat/config';
import { type MikroORM, MikroOrmInbox, openDatabase, pingDatabase } from '@lifeboat/db';
import { type LifeboatError, isLifeboatError, messageOf } from '@lifeboat/errors';
import { EventBus, type Stoppable } from '@lifeboat/events';
import { type SubgraphContext, type SubgraphOptions, buildSubgraph, formatError, toGraphQLError, verifyIdentity } from '@lifeboat/graphql';
import { Counter, HealthChecks, Histogram, type Logger, type Registry, createLogger, createMetricsRegistry, observabilityRouter } from '@lifeboat/observability';
import { stopOnSignals } from '@lifeboat/supervisor';

export interface ServiceDefinition<S extends OptionSet, P = void> {
  /** Process and event source name, e.g. `backup-executor`. */
  name: string;
  /** Its schema in the metadata database, e.g. `backup_executor`. */
  schema: string;
  defaultPort: number;
  /** The service's own options, beside the common ones. */
  options: S;
  entities: EntityClass<unknown>[];
  migrations: MigrationObject[];
  /** The schema: resolver classes and orphaned types (what the SDL is generated from). */
  subgraph: Pick<SubgraphOptions, 'resolvers' | 'orphanedTypes'>;
  /** Builds, once, the parts the resolvers and workers share (locations, repositories, workers). */
  setup?(ctx: ServiceContext<S>): P;
  /** Resolver instances wired with their dependencies. */
  resolvers(ctx: ServiceContext<S>, parts: P): object[];
  /** `__resolveReference` of the federated entities this subgraph resolves by key. */
  references?(ctx: ServiceContext<S>, parts: P): SubgraphOptions['referenceResolvers'];
  /** Starts consumers, workers and timers; what it returns is stopped first at shutdown. */
  start?(ctx: ServiceContext<S>, parts: P): Promise<Stoppable[]>;
  /** Extra readiness checks beyond database and NATS. */
  readiness?(ctx: ServiceContext<S>, parts: P): Record<string, () => Promise<void>>;
}

export type ServiceConfig<S extends OptionSet> = ConfigOf<typeof commonOptions> & ConfigOf<S> & {
  LIFEBOAT_PORT: number;
  LIFEBOAT_BIND_HOST: string;
};

export interface ServiceContext<S extends OptionSet> {
  name: string;
  instance: string;
  config: ServiceConfig<S>;
  /** The environment the configuration was read from (for settings read by libraries, such as locations). */
  env: Record<string, string | undefined>;
  logger: Logger;
  orm: MikroORM;
  bus: EventBus;
  inbox: MikroOrmInbox;
  metrics: Registry;
}

export interface RunningService {
  url: string;
  stop(): Promise<void>;
}

/**
 * Whether `instance` (`<hostname>-<pid>`, as services name themselves) was a process on this
 * machine that no longer runs. Work it held can be taken over at once instead of after its
 * heartbeat goes stale.
 */
export function isDeadLocalInstance(instance: string | null): boolean {
  if (!instance) return false;
  const at = instance.lastIndexOf('-');
  const host = instance.slice(0, at);
  const pid = Number(instance.slice(at + 1));
  if (host !== hostname() || !Number.isInteger(pid) || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** The environment variable naming a service's port: `LIFEBOAT_BACKUP_EXECUTOR_PORT`. */
export function portVariable(name: string): string {
  return `LIFEBOAT_${name.toUpperCase().replace(/-/g, '_')}_PORT`;
}

/** Every option a service reads, with the names it has in the environment (for `.env.example`). */
export function serviceOptions<S extends OptionSet>(def: Pick<ServiceDefinition<S, unknown>, 'name' | 'defaultPort' | 'options'>): OptionSet {
  return {
    ...commonOptions,
    LIFEBOAT_BIND_HOST: hostOption,
    [portVariable(def.name)]: port({ description: `HTTP port of ${def.name} (subgraph, health, metrics)`, default: def.defaultPort }),
    ...def.options,
  };
}

const hostOption = str({ description: 'Address the HTTP servers listen on', default: '127.0.0.1' });

/** Runs a service until SIGINT/SIGTERM (or its supervisor's end); exits the process with a clear message when it cannot start. */
export async function runServiceMain<S extends OptionSet, P>(def: ServiceDefinition<S, P>): Promise<void> {
  let running: RunningService;
  try {
    running = await startService(def, process.env);
  } catch (err) {
    const text = isLifeboatError(err) ? `${err.code}: ${err.describe()}` : (err as Error).stack ?? String(err);
    process.stderr.write(`${def.name}: cannot start: ${text}\n`);
    process.exit(1);
  }
  stopOnSignals(def.name, () => running.stop());
}

export async function startService<S extends OptionSet, P>(def: ServiceDefinition<S, P>, env: Record<string, string | undefined>): Promise<RunningService> {
  const all = serviceOptions(def);
  const raw = loadConfig(all, env) as Record<string, unknown>;
  const config = { ...raw, LIFEBOAT_PORT: raw[portVariable(def.name)] } as ServiceConfig<S>;
  const logger = createLogger(def.name, config.LIFEBOAT_LOG_LEVEL);
  const instance = `${hostname()}-${process.pid}`;

  const orm = await withRetry(logger, 'metadata database', () =>
    openDatabase({
      url: config.LIFEBOAT_DATABASE_URL,
      schema: def.schema,
      entities: def.entities,
      migrations: def.migrations,
      log: (message) => logger.info(message),
    }),
  );
  const bus = await withRetry(logger, 'NATS', () =>
    EventBus.connect({ servers: config.LIFEBOAT_NATS_URL, source: def.name, namespace: config.LIFEBOAT_NATS_NAMESPACE, logger }),
  );
  const metrics = createMetricsRegistry(def.name);
  const ctx: ServiceContext<S> = { name: def.name, instance, config, env, logger, orm, bus, inbox: new MikroOrmInbox(orm), metrics };

  const parts = def.setup ? def.setup(ctx) : (undefined as P);
  const health = new HealthChecks().add('database', () => pingDatabase(orm)).add('nats', () => bus.ping());
  for (const [name, check] of Object.entries(def.readiness?.(ctx, parts) ?? {})) health.add(name, check);

  const schema = await buildSubgraph({ ...def.subgraph, instances: def.resolvers(ctx, parts), referenceResolvers: def.references?.(ctx, parts) });
  const apollo = new ApolloServer<SubgraphContext>({
    schema,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    // The process handles its signals itself and stops Apollo in order.
    stopOnTerminationSignals: false,
    formatError: (formatted, error) => formatError(formatted, error, (e) => logger.error({ err: e }, 'unexpected error')),
    plugins: [graphqlMetricsPlugin(metrics), ApolloServerPluginInlineTraceDisabled()],
  });
  await apollo.start();

  const secret = config.LIFEBOAT_INTERNAL_SECRET.reveal();
  const app = express();
  app.disable('x-powered-by');
  app.use(observabilityRouter(health, metrics));
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        try {
          const identity = verifyIdentity(req.headers, secret);
          return { identity, requestId: String(req.headers['x-request-id'] ?? randomUUID()) };
        } catch (err) {
          logger.warn({ err: messageOf(err), remote: req.socket.remoteAddress }, 'refused a request that did not come through the gateway');
          throw toGraphQLError(err as LifeboatError);
        }
      },
    }),
  );
  const server = await listen(app, config.LIFEBOAT_PORT, config.LIFEBOAT_BIND_HOST);
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : config.LIFEBOAT_PORT;
  const url = `http://${config.LIFEBOAT_BIND_HOST}:${boundPort}`;

  const stoppables = (await def.start?.(ctx, parts)) ?? [];
  await bus.publish('service.started', { service: def.name, instance, version: process.env.npm_package_version ?? '0.1.0' });
  logger.info({ url }, `${def.name} ready`);

  return {
    url,
    async stop() {
      for (const s of stoppables) await s.stop().catch((err) => logger.warn({ err: messageOf(err) }, 'stop failed'));
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await apollo.stop();
      await bus.close();
      await orm.close(true);
      logger.info('stopped');
    },
  };
}

/** Retries a dependency at start for about a minute: the supervisor may start us before it answers. */
async function withRetry<T>(logger: Logger, what: string, fn: () => Promise<T>, attempts = 30): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      const retryable = !isLifeboatError(err) || err.retryable;
      if (!retryable || i >= attempts) throw err;
      logger.warn({ err: messageOf(err), attempt: i }, `${what} not available yet; retrying`);
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

function listen(app: express.Express, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(server)));
    server.once('error', reject);
  });
}

function graphqlMetricsPlugin(registry: Registry) {
  const requests = new Counter({
    name: 'lifeboat_graphql_requests_total',
    help: 'GraphQL operations served by this subgraph',
    labelNames: ['operation', 'outcome'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'lifeboat_graphql_request_seconds',
    help: 'Time to serve a GraphQL operation',
    labelNames: ['operation'],
    registers: [registry],
  });
  return {
    async requestDidStart() {
      const end = duration.startTimer();
      return {
        async willSendResponse(rc: { operationName?: string | null; errors?: readonly unknown[] }) {
          const operation = rc.operationName ?? 'anonymous';
          end({ operation });
          requests.inc({ operation, outcome: rc.errors?.length ? 'error' : 'ok' });
        },
      };
    },
  };
}
