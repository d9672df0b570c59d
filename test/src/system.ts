/**
 * Starts Lifeboat as processes for an end-to-end test, isolated from every other run: its own
 * metadata database, NATS namespace, ports and secrets. The processes run under the same
 * supervisor `npm start` uses.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Supervisor, type ProcessSpec } from '@lifeboat/supervisor';
import { generateMasterKey } from '@lifeboat/artifact';
import { seedDemo } from '@lifeboat/demo-app';
import { NATS_URL, type S3TestServer, type TempDatabase, createTempDatabase, deleteNamespace, dropDatabase, eventually, freePort, startS3Server, uniqueNamespace, withAdmin } from '@lifeboat/testkit';

export const SERVICE_NAMES = ['scheduler', 'backup-executor', 'storage-replicator', 'restore', 'dr', 'monitor'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export const ROOT = join(__dirname, '..', '..', '..');

export interface GraphQLResult<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

export interface SystemOptions {
  services?: readonly ServiceName[];
  env?: Record<string, string>;
  /** Tenants seeded in the protected (demo) database; default 5. */
  tenants?: number;
  /** More replicas of a service, named `<service>-2`, `<service>-3`… (each on its own port). */
  replicas?: Partial<Record<ServiceName, number>>;
}

export interface System {
  gatewayUrl: string;
  gatewayPort: number;
  wsUrl: string;
  ports: Record<ServiceName, number>;
  env: Record<string, string>;
  supervisor: Supervisor;
  admin: { email: string; password: string };
  /** The protected database (the demo application, seeded). */
  source: TempDatabase;
  /** The fs location's root directory. */
  localDir: string;
  /** Where restores spool their dumps. */
  spoolDir: string;
  /** The servers playing R2 and B2. */
  r2: S3TestServer;
  b2: S3TestServer;
  logs(): string;
  graphql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResult<T>>;
  login(email?: string, password?: string): Promise<string>;
  stop(): Promise<void>;
}

const LOG_LINES = 2000;

export async function startSystem(options: SystemOptions = {}): Promise<System> {
  const services = options.services ?? SERVICE_NAMES;
  const db = await createTempDatabase('sys');
  const namespace = uniqueNamespace('sys');
  const gatewayPort = await freePort();
  const ports = {} as Record<ServiceName, number>;
  for (const s of SERVICE_NAMES) ports[s] = await freePort();
  const admin = { email: 'admin@example.com', password: `pw-${randomBytes(9).toString('base64url')}` };
  const source = await createTempDatabase('source');
  await seedDemo(source.url, { tenants: options.tenants ?? 5, scale: 1 });
  const workDir = await mkdtemp(join(tmpdir(), 'lifeboat-system-'));
  const localDir = join(workDir, 'local');
  const spoolDir = join(workDir, 'spool');
  const [r2, b2] = await Promise.all([startS3Server(), startS3Server()]);
  const env: Record<string, string> = {
    LIFEBOAT_DATABASE_URL: db.url,
    LIFEBOAT_NATS_URL: NATS_URL,
    LIFEBOAT_NATS_NAMESPACE: namespace,
    LIFEBOAT_INTERNAL_SECRET: randomBytes(32).toString('base64url'),
    LIFEBOAT_JWT_SECRET: randomBytes(32).toString('base64url'),
    LIFEBOAT_ADMIN_EMAIL: admin.email,
    LIFEBOAT_ADMIN_PASSWORD: admin.password,
    LIFEBOAT_GATEWAY_PORT: String(gatewayPort),
    LIFEBOAT_LOG_LEVEL: process.env.LIFEBOAT_TEST_LOG_LEVEL ?? 'warn',
    LIFEBOAT_SOURCE_DATABASE_URL: source.url,
    LIFEBOAT_MASTER_KEYS: generateMasterKey('test-key-1'),
    LIFEBOAT_LOCATION_LOCAL_PATH: localDir,
    LIFEBOAT_RESTORE_SPOOL_DIR: spoolDir,
    LIFEBOAT_LOCATION_R2_ENDPOINT: r2.endpoint,
    LIFEBOAT_LOCATION_B2_ENDPOINT: b2.endpoint,
    LIFEBOAT_REPLICATION_MAX_BACKOFF_SECONDS: '2',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...Object.fromEntries(SERVICE_NAMES.flatMap((s) => {
      const key = s.toUpperCase().replace(/-/g, '_');
      return [[`LIFEBOAT_${key}_PORT`, String(ports[s])], [`LIFEBOAT_${key}_URL`, `http://127.0.0.1:${ports[s]}`]];
    })),
    ...options.env,
  };
  const lines: string[] = [];
  const out = new PassThrough();
  out.on('data', (chunk: Buffer) => {
    for (const line of String(chunk).split('\n')) if (line) lines.push(line);
    if (lines.length > LOG_LINES) lines.splice(0, lines.length - LOG_LINES);
    if (process.env.LIFEBOAT_TEST_VERBOSE) process.stderr.write(chunk);
  });
  const extra: ProcessSpec[] = [];
  for (const [service, count] of Object.entries(options.replicas ?? {})) {
    for (let i = 2; i <= (count ?? 1); i++) {
      const port = await freePort();
      const portEnv = { ...env, [`LIFEBOAT_${service.toUpperCase().replace(/-/g, '_')}_PORT`]: String(port) };
      extra.push({ name: `${service}-${i}`, command: process.execPath, args: [join(ROOT, `services/${service}/dist/src/main.js`)], env: portEnv, cwd: ROOT });
    }
  }
  const specs: ProcessSpec[] = [
    ...services.map((s) => ({ name: s, command: process.execPath, args: [join(ROOT, `services/${s}/dist/src/main.js`)], env, cwd: ROOT })),
    ...extra,
    { name: 'gateway', command: process.execPath, args: [join(ROOT, 'gateway/dist/src/main.js')], env, cwd: ROOT },
  ];
  const supervisor = new Supervisor(specs, { out, backoffMs: 200, stopTimeoutMs: 5000 });
  supervisor.start();

  const gatewayUrl = `http://127.0.0.1:${gatewayPort}/graphql`;
  const graphql: System['graphql'] = async (query, variables, token) => {
    const res = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as never;
  };
  const system: System = {
    gatewayUrl,
    gatewayPort,
    wsUrl: `ws://127.0.0.1:${gatewayPort}/graphql`,
    ports,
    env,
    supervisor,
    admin,
    source,
    localDir,
    spoolDir,
    r2,
    b2,
    logs: () => lines.join('\n'),
    graphql,
    async login(email = admin.email, password = admin.password) {
      const r = await graphql<{ login: { token: string } }>(
        'mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { token } }',
        { email, password },
      );
      if (!r.data?.login) throw new Error(`login failed: ${JSON.stringify(r.errors)}`);
      return r.data.login.token;
    },
    async stop() {
      await supervisor.stop();
      await Promise.all([db.drop(), source.drop(), dropRestoredDatabases(source.name), deleteNamespace(namespace), r2.destroy(), b2.destroy(), rm(workDir, { recursive: true, force: true })]);
    },
  };
  try {
    await eventually(
      'the gateway and every service ready',
      async () => {
        const health = (await fetch(`http://127.0.0.1:${gatewayPort}/health/ready`).then((r) => r.json())) as { checks?: Record<string, { ok: boolean }> };
        return services.every((s) => health.checks?.[s]?.ok);
      },
      60_000,
      250,
    );
  } catch (err) {
    const logs = system.logs();
    await system.stop();
    throw new Error(`${(err as Error).message}\n--- logs ---\n${logs}`);
  }
  return system;
}

/** Drops the databases the system's restores made beside its source (named `<source>_...`). */
async function dropRestoredDatabases(source: string): Promise<void> {
  const made = await withAdmin((c) => c.query<{ datname: string }>('select datname from pg_database where starts_with(datname, $1)', [`${source}_`]));
  await Promise.all(made.rows.map((r) => dropDatabase(r.datname)));
}
