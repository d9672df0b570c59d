/**
 * A protected cluster of its own for point-in-time recovery tests: PostgreSQL 15 run as postgres,
 * WAL archived by `lifeboat wal-push` into a spool the executor ships from, a seeded demo
 * database in it.
 */
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applySchema, seedDemo } from '@lifeboat/demo-app';
import { PgCluster, giveToPostgres } from '@lifeboat/pg-cluster';
import { freePort, withAdmin } from '@lifeboat/testkit';
import { ROOT } from './system';

export interface ArchivingCluster {
  cluster: PgCluster;
  /** The demo database's URL. */
  url: string;
  spoolDir: string;
  /** A directory postgres can reach, for the restore service's recovery clusters. */
  pitrDir: string;
  /** Closes the current WAL segment, so that it is archived now. */
  switchWal(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startArchivingCluster(options: { archiveTimeoutSeconds?: number; tenants?: number } = {}): Promise<ArchivingCluster> {
  const home = await mkdtemp(join(tmpdir(), 'lifeboat-pitr-'));
  let cluster: PgCluster | undefined;
  try {
    return await prepare(home, options, (c) => (cluster = c));
  } catch (err) {
    // Half made (a port taken, seeding failed): nothing of it outlives the failure.
    await cluster?.destroy().catch(() => undefined);
    await rm(home, { recursive: true, force: true });
    throw err;
  }
}

async function prepare(home: string, options: { archiveTimeoutSeconds?: number; tenants?: number }, created: (cluster: PgCluster) => void): Promise<ArchivingCluster> {
  await chmod(home, 0o755);
  const spoolDir = join(home, 'spool');
  const pitrDir = join(home, 'recoveries');
  await mkdir(pitrDir, { mode: 0o755 });
  // The spool belongs to postgres (archive_command runs as postgres); the executor here is root.
  await mkdir(spoolDir, { mode: 0o770 });
  await giveToPostgres(spoolDir);
  const cluster = await PgCluster.init({ dataDir: join(home, 'data'), port: await freePort() });
  created(cluster);
  const systemId = await cluster.systemIdentifier();
  await cluster.configure({
    archive_mode: 'on',
    archive_timeout: options.archiveTimeoutSeconds ?? 5,
    // Commit times as recovery_target_time sees them (pg_xact_commit_timestamp), for the tests.
    track_commit_timestamp: 'on',
    archive_command: `${process.execPath} ${join(ROOT, 'cli/dist/src/main.js')} wal-push %p --spool ${spoolDir} --system-id ${systemId} --max-spool-bytes 2000000000`,
  });
  await cluster.start();
  await withAdmin((c) => c.query('create database demo'), cluster.url());
  const url = cluster.url('demo');
  await applySchema(url);
  await seedDemo(url, { tenants: options.tenants ?? 3, scale: 1 });
  // While a spread checkpoint is under way (the seeding leaves one), PostgreSQL 15 here does not
  // switch segments on archive_timeout; a checkpoint now lets archive_timeout work from the start.
  await withAdmin((c) => c.query('checkpoint'), cluster.url());
  return {
    cluster,
    url,
    spoolDir,
    pitrDir,
    async switchWal() {
      await withAdmin((c) => c.query('select pg_switch_wal()'), cluster.url());
    },
    async destroy() {
      await cluster.destroy().catch(() => undefined);
      await rm(home, { recursive: true, force: true });
    },
  };
}
