/**
 * The tenant job's data path alone: what no bookkeeping can save. For each tenant, the work the
 * issue asks of its backup and nothing else — the export under row-level security (the tenancy
 * library, one snapshot, every row checked), gzip at the configured level, AES-256-GCM, SHA-256,
 * the artifact and a manifest saved in the local location (fsync), the local copy read back through
 * SHA-256, both written to R2 and B2 through the storage driver (the AWS SDK) and read back
 * through SHA-256 — without any record, event, service or process boundary in between.
 *
 * It runs in as many processes as the machine has cores (this file, started as a child), the
 * tenants shared among them, LIFEBOAT_TENANT_BACKUP_CONCURRENCY at once in all; the S3 servers
 * stay in the benchmark's process, as they do for the system. Its time, against the full backup's,
 * is the lowest ratio a tenant job can reach on this machine.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { buffer, text } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { createCompressStream, createEncryptStream, createHashTap, keyringFromEnv } from '@lifeboat/artifact';
import { loadConfig } from '@lifeboat/config';
import { loadLocations, openLocations, type Storage } from '@lifeboat/storage';
import { TenantExporter, tenancyOptions, tenancySettingsOf } from '@lifeboat/tenancy';
import { CORES, machineCpu } from './measure';

export interface DataPathRun {
  seconds: number;
  /** CPU seconds the whole machine used meanwhile: the data path's processes, the S3 servers (this process), and the rest (PostgreSQL, the kernel). */
  machineCpuSeconds: number;
  /** CPU seconds of the data path's processes, and of the S3 servers. */
  pathCpuSeconds: number;
  s3ServersCpuSeconds: number;
  tenants: number;
  artifactBytes: number;
}

interface WorkerResult {
  tenants: number;
  artifactBytes: number;
  cpuSeconds: number;
}

const PREFIX = 'bench-data-path';

/** Runs the data path for every tenant in `tenantIds`, with the system's settings (`env`). */
export async function measureDataPath(env: Record<string, string>, tenantIds: string[]): Promise<DataPathRun> {
  const concurrency = loadConfig(tenancyOptions, env).LIFEBOAT_TENANT_BACKUP_CONCURRENCY;
  const workers = Math.min(CORES, concurrency, tenantIds.length);
  const shares = Array.from({ length: workers }, (_, w) => tenantIds.filter((_, i) => i % workers === w));
  const before = machineCpu();
  const own = process.cpuUsage();
  const started = Date.now();
  const results = await Promise.all(
    shares.map((share, w) => runWorker(env, { tenants: share, concurrency: Math.floor(concurrency / workers) + (w < concurrency % workers ? 1 : 0) })),
  );
  const servers = process.cpuUsage(own);
  return {
    seconds: (Date.now() - started) / 1000,
    machineCpuSeconds: machineCpu().busy - before.busy,
    pathCpuSeconds: results.reduce((n, r) => n + r.cpuSeconds, 0),
    s3ServersCpuSeconds: (servers.user + servers.system) / 1e6,
    tenants: results.reduce((n, r) => n + r.tenants, 0),
    artifactBytes: results.reduce((n, r) => n + r.artifactBytes, 0),
  };
}

async function runWorker(env: Record<string, string>, job: { tenants: string[]; concurrency: number }): Promise<WorkerResult> {
  const child = spawn(process.execPath, [__filename], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.end(JSON.stringify(job));
  const [out, err, code] = await Promise.all([text(child.stdout), text(child.stderr), new Promise<number | null>((resolve) => child.on('close', resolve))]);
  if (code !== 0) throw new Error(`the data path failed (exit ${code}): ${err.trim().split('\n').slice(-5).join('\n')}`);
  return JSON.parse(out) as WorkerResult;
}

/** In the child: the data path for the tenants given on stdin. */
async function worker(): Promise<void> {
  const job = JSON.parse(await text(process.stdin)) as { tenants: string[]; concurrency: number };
  const cpu = process.cpuUsage();
  const config = loadConfig(tenancyOptions, process.env);
  // The executor's setting, or the artifact library's default, as in the job.
  const level = process.env.LIFEBOAT_COMPRESSION_LEVEL === undefined ? undefined : Number(process.env.LIFEBOAT_COMPRESSION_LEVEL);
  const keyring = keyringFromEnv(process.env);
  const [first, ...others] = openLocations(loadLocations(process.env));
  const exporter = await TenantExporter.open(process.env.LIFEBOAT_SOURCE_DATABASE_URL!, tenancySettingsOf(config), config.LIFEBOAT_TENANT_EXPORT_ROLE, job.concurrency);
  let artifactBytes = 0;
  const one = async (tenantId: string) => {
    const key = `${PREFIX}/${process.pid}/${tenantId}.tenant.gz.enc`;
    const { header, archive } = await exporter.export(tenantId);
    const hash = createHashTap();
    const body = new PassThrough();
    const [, saved] = await Promise.all([
      pipeline(archive, createCompressStream({ level, workers: 0 }), createEncryptStream(keyring), hash, body),
      first.save(key, body, { deferDirectorySync: true }),
    ]);
    const checksum = hash.digest();
    const manifest = Buffer.from(JSON.stringify({ tenantId, key, checksum, sizeBytes: saved.sizeBytes, tables: header.tables }));
    await first.save(`${key}.manifest.json`, Readable.from([manifest]));
    // The local copy read back once: its verification, and the body of the other copies.
    const bytes = await buffer(await first.load(key));
    expectChecksum(first, bytes, checksum);
    await Promise.all(
      others.map(async (location) => {
        await location.save(key, Readable.from([bytes]), { contentLength: bytes.length });
        await location.save(`${key}.manifest.json`, Readable.from([manifest]), { contentLength: manifest.length });
        expectChecksum(location, await buffer(await location.load(key)), checksum);
      }),
    );
    artifactBytes += saved.sizeBytes;
  };
  try {
    const queue = [...job.tenants];
    await Promise.all(
      Array.from({ length: job.concurrency }, async () => {
        for (let tenant = queue.shift(); tenant !== undefined; tenant = queue.shift()) await one(tenant);
      }),
    );
  } finally {
    await exporter.close();
  }
  const used = process.cpuUsage(cpu);
  process.stdout.write(JSON.stringify({ tenants: job.tenants.length, artifactBytes, cpuSeconds: (used.user + used.system) / 1e6 } satisfies WorkerResult));
}

function expectChecksum(location: Storage, bytes: Buffer, checksum: string): void {
  const seen = createHash('sha256').update(bytes).digest('hex');
  if (seen !== checksum) throw new Error(`${location.name} holds a copy with SHA-256 ${seen}, expected ${checksum}`);
}

if (require.main === module) {
  worker().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
