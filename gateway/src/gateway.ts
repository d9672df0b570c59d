/**
 * The gateway process: composes the services' subgraphs with its own (users, tokens, audit,
 * subscriptions), authenticates every request, signs the identity it forwards, serves graphql-ws
 * subscriptions fed from NATS on the same `/graphql` path, and reports the health of every part.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import express from 'express';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloGateway, LocalGraphQLDataSource } from '@apollo/gateway';
import { buildSubgraph, formatError, subgraphSdl, toGraphQLError } from '@lifeboat/graphql';
import { loadConfig } from '@lifeboat/config';
import { type MikroORM, openDatabase, pingDatabase } from '@lifeboat/db';
import { LifeboatError, isLifeboatError, messageOf } from '@lifeboat/errors';
import { EventBus } from '@lifeboat/events';
import { HealthChecks, type Logger, createLogger, createMetricsRegistry, observabilityRouter } from '@lifeboat/observability';
import { gatewayRequestPlugin } from './audit-plugin';
import { Authenticator } from './auth/authenticator';
import { hashPassword, passwordProblem } from './auth/passwords';
import { SUBGRAPHS, gatewayOptions, subgraphUrlVariable, type GatewayConfig } from './config';
import type { GatewayContext, SubscriptionContext } from './context';
import { migrations } from './migrations';
import { natsPubSub } from './nats-pubsub';
import { queryLimitsRule } from './query-limits';
import { ApiToken } from './repositories/api-token.entity';
import { ApiTokenRepository } from './repositories/api-token.repository';
import { AuditEntry } from './repositories/audit-entry.entity';
import { AuditRepository } from './repositories/audit.repository';
import { User } from './repositories/user.entity';
import { UserRepository } from './repositories/user.repository';
import { ApiTokenResolver } from './resolvers/api-token.resolver';
import { AuditResolver } from './resolvers/audit.resolver';
import { AuthResolver } from './resolvers/auth.resolver';
import { EventsResolver } from './resolvers/events.resolver';
import { ProgressResolver } from './resolvers/progress.resolver';
import { UserResolver } from './resolvers/user.resolver';
import { SigningDataSource } from './signing-data-source';
import { composeSupergraph, readSubgraphSdl } from './supergraph';

export const GATEWAY_RESOLVERS = [AuthResolver, UserResolver, ApiTokenResolver, AuditResolver, EventsResolver, ProgressResolver] as const;
/** The gateway's own schema in the metadata database: users, API tokens, audit log. */
export const GATEWAY_DATABASE = { schema: 'gateway', entities: [User, ApiToken, AuditEntry], migrations };

export interface RunningGateway {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startGateway(env: Record<string, string | undefined>): Promise<RunningGateway> {
  const config = loadConfig(gatewayOptions, env);
  const logger = createLogger('gateway', config.LIFEBOAT_LOG_LEVEL);
  const orm = await openDatabase({
    url: config.LIFEBOAT_DATABASE_URL,
    ...GATEWAY_DATABASE,
    log: (m) => logger.info(m),
  });
  let bus: EventBus;
  try {
    bus = await EventBus.connect({ servers: config.LIFEBOAT_NATS_URL, source: 'gateway', namespace: config.LIFEBOAT_NATS_NAMESPACE, logger });
  } catch (err) {
    await orm.close(true);
    throw err;
  }
  try {
    return await serve(config, logger, orm, bus);
  } catch (err) {
    await bus.close();
    await orm.close(true);
    throw err;
  }
}

async function serve(config: GatewayConfig, logger: Logger, orm: MikroORM, bus: EventBus): Promise<RunningGateway> {
  const users = new UserRepository(orm);
  const tokens = new ApiTokenRepository(orm);
  const audit = new AuditRepository(orm);
  await ensureFirstAdmin(config, users, logger);
  const auth = new Authenticator(users, tokens, config.LIFEBOAT_JWT_SECRET.reveal(), config.LIFEBOAT_JWT_TTL_SECONDS);

  const localSchema = await buildSubgraph({
    resolvers: [...GATEWAY_RESOLVERS],
    instances: [new AuthResolver(auth, users), new UserResolver(users), new ApiTokenResolver(tokens, users), new AuditResolver(audit), new EventsResolver(), new ProgressResolver()],
    pubSub: natsPubSub(bus),
  });
  const subgraphs = SUBGRAPHS.map((s) => {
    const base = (config as Record<string, unknown>)[subgraphUrlVariable(s.name)] as string;
    return { name: s.name, base: base.replace(/\/$/, ''), url: `${base.replace(/\/$/, '')}/graphql`, sdl: readSubgraphSdl(s.name) };
  });
  const supergraphSdl = composeSupergraph([...subgraphs, { name: 'gateway', url: 'local://gateway', sdl: subgraphSdl(localSchema) }]);

  const secret = config.LIFEBOAT_INTERNAL_SECRET.reveal();
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) =>
      name === 'gateway' ? new LocalGraphQLDataSource(localSchema) : new SigningDataSource(name, url ?? '', secret),
  });

  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);
  const metrics = createMetricsRegistry('gateway');
  const health = new HealthChecks(2000).add('database', () => pingDatabase(orm)).add('nats', () => bus.ping());
  for (const s of subgraphs) health.add(s.name, () => probe(`${s.base}/health/ready`));

  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    // The process handles its signals itself and stops Apollo in order.
    stopOnTerminationSignals: false,
    validationRules: [queryLimitsRule(config.LIFEBOAT_MAX_QUERY_DEPTH, config.LIFEBOAT_MAX_QUERY_FIELDS)],
    formatError: (formatted, error) => formatError(formatted, error, (e) => logger.error({ err: e }, 'unexpected error')),
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), gatewayRequestPlugin(audit, logger)],
  });
  await apollo.start();

  const maxBytes = config.LIFEBOAT_MAX_QUERY_BYTES;
  app.use(observabilityRouter(health, metrics));
  app.use(
    '/graphql',
    express.json({ limit: `${maxBytes * 4}b` }),
    (req, res, next) => {
      const query = (req.body as { query?: unknown } | undefined)?.query;
      if (typeof query === 'string' && Buffer.byteLength(query) > maxBytes) {
        res.status(413).json({ errors: [{ message: `query is larger than ${maxBytes} bytes`, extensions: { code: 'QUERY_TOO_COMPLEX' } }] });
        return;
      }
      next();
    },
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const requestId = String(req.headers['x-request-id'] ?? randomUUID());
        const remoteAddress = req.socket.remoteAddress;
        try {
          return { identity: await auth.authenticate(req.headers.authorization), requestId, remoteAddress };
        } catch (err) {
          logger.warn({ err: messageOf(err), remote: remoteAddress }, 'refused a request with invalid credentials');
          throw toGraphQLError(isLifeboatError(err) ? err : new LifeboatError('UNAUTHENTICATED', 'invalid credentials'));
        }
      },
    }),
  );

  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const wsCleanup = useServer<Record<string, unknown>, { context?: SubscriptionContext }>(
    {
      schema: localSchema,
      onConnect: async (ctx) => {
        const authorization = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        try {
          const identity = await auth.authenticate(typeof authorization === 'string' ? authorization : undefined);
          if (!identity) return false;
          ctx.extra.context = { identity, bus, requestId: randomUUID() };
          return true;
        } catch (err) {
          logger.warn({ err: messageOf(err) }, 'refused a subscription connection');
          return false;
        }
      },
      context: (ctx) => ctx.extra.context!,
      onError: (_ctx, _id, _payload, errors) => void logger.warn({ errors: errors.map((e) => e.message) }, 'subscription error'),
    },
    wsServer,
  );

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.LIFEBOAT_GATEWAY_PORT, config.LIFEBOAT_BIND_HOST, () => resolve());
  });
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : config.LIFEBOAT_GATEWAY_PORT;
  const url = `http://${config.LIFEBOAT_BIND_HOST}:${port}/graphql`;
  logger.info({ url }, 'gateway ready');

  return {
    url,
    port,
    async stop() {
      await wsCleanup.dispose();
      wsServer.close();
      await apollo.stop();
      await closeServer(httpServer);
      await bus.close();
      await orm.close(true);
    },
  };
}

/** The first admin, created from the environment when no enabled admin exists yet. */
async function ensureFirstAdmin(config: GatewayConfig, users: UserRepository, logger: Logger): Promise<void> {
  if ((await users.countAdmins()) > 0) return;
  const email = config.LIFEBOAT_ADMIN_EMAIL;
  const password = config.LIFEBOAT_ADMIN_PASSWORD?.reveal();
  if (!email || !password) {
    throw new LifeboatError('CONFIG_INVALID', 'no admin exists yet: LIFEBOAT_ADMIN_EMAIL and LIFEBOAT_ADMIN_PASSWORD are required at first start', {
      details: { variables: ['LIFEBOAT_ADMIN_EMAIL', 'LIFEBOAT_ADMIN_PASSWORD'] },
    });
  }
  const problem = passwordProblem(password);
  if (problem) throw new LifeboatError('CONFIG_INVALID', `LIFEBOAT_ADMIN_PASSWORD: ${problem}`);
  const existing = await users.byEmailWithHash(email);
  if (existing) await users.update(existing.id, { role: 'ADMIN', disabled: false, passwordHash: await hashPassword(password) });
  else await users.create(email, await hashPassword(password), 'ADMIN');
  logger.info({ email }, 'created the first admin');
}

async function probe(url: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(1500) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    throw new Error(`not answering at ${url}${cause ? ` (${cause})` : ''}`);
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { checks?: Record<string, { ok: boolean; error?: string }> };
    const failing = Object.entries(body.checks ?? {})
      .filter(([, c]) => !c.ok)
      .map(([name, c]) => `${name}: ${c.error ?? 'down'}`);
    throw new Error(`not ready (${failing.join('; ') || `HTTP ${res.status}`})`);
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
