/**
 * Point-in-time recovery: the newest base backup made before the target is fetched from its
 * healthiest copy and unpacked into a new data directory; a new cluster starts from it on a free
 * port with `restore_command` set to `lifeboat wal-fetch` (reading the WAL archive's locations, in
 * order, with failover), `recovery_target_time` the target and `recovery_target_action = promote`.
 * Once promoted, the time of the last replayed transaction is the recovery point. A gap in the
 * archive makes PostgreSQL end recovery short of the target and refuse to promote: that is
 * reported, naming the missing file, instead of a success. Optionally the recovered database is
 * copied into a new database of the protected cluster, and the recovery cluster removed.
 */
import { createReadStream } from 'node:fs';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { LifeboatError, messageOf } from '@lifeboat/errors';
import { PgCluster, freePort, giveToPostgres } from '@lifeboat/pg-cluster';
import { type DatabaseServer, StreamedRestore, databaseNameOf, databaseUrlOf, pgDump } from '@lifeboat/pg-tools';
import type { KnownBackupRepository } from '../repositories/known-backup.repository';
import type { RestoreLog } from '../repositories/restore-log.entity';
import type { RestoreLogRepository } from '../repositories/restore-log.repository';
import { type CopyFetcher, fileSink } from './copy-fetcher';
import type { RestoreProgressReporter } from './restore-progress';

export interface PitrDeps {
  repo: RestoreLogRepository;
  known: KnownBackupRepository;
  fetcher: CopyFetcher;
  server: DatabaseServer;
  sourceUrl: string;
  pitrDir: string;
  spoolDir: string;
  serverBinDir: string;
  pgBinDir?: string;
  timeoutMs: number;
  /** The `lifeboat` command line PostgreSQL runs as restore_command (node and the CLI's main). */
  walFetchCommand: string;
  /** The variables wal-fetch needs: the locations, the WAL locations, the master keys. */
  walFetchEnv: Record<string, string>;
}

export class PitrRestoreJob {
  constructor(private readonly deps: PitrDeps) {}

  async run(log: RestoreLog, progress: RestoreProgressReporter, failovers: RestoreLog['failovers']) {
    const { repo, known } = this.deps;
    const target = log.targetTimestamp!;
    const base = await known.baseBackupBefore(target);
    if (!base) throw new LifeboatError('RESTORE_FAILED', `no base backup was made before ${target.toISOString()}`);
    await repo.update(log.id, { backupId: base.id });
    const manifest = await this.deps.fetcher.manifest(base);
    const systemId = String(manifest.details.systemId ?? '');
    if (!systemId) throw new LifeboatError('MANIFEST_INVALID', `the manifest of base backup ${base.id} does not give the cluster's system identifier`);

    const home = join(this.deps.pitrDir, log.id);
    const dataDir = join(home, 'data');
    await mkdir(home, { recursive: true });
    await chmod(this.deps.pitrDir, 0o755);
    await chmod(home, 0o755);
    await repo.update(log.id, { clusterDataDir: dataDir });
    let cluster: PgCluster | undefined;
    let keep = false;
    try {
      progress.to('fetching', `base backup ${base.id}`);
      progress.totalBytes = base.sizeBytes;
      await mkdir(this.deps.spoolDir, { recursive: true });
      const spool = join(this.deps.spoolDir, `${log.id}.base.tar`);
      const { sink, cleanup } = fileSink(spool);
      try {
        const fetched = await this.deps.fetcher.fetch(base, sink, cleanup, {
          onBytes: (location, bytes) => {
            progress.location = location;
            progress.bytes = bytes;
          },
          onFailover: async (f) => {
            failovers.push(f);
            await repo.update(log.id, { failovers });
          },
        });
        await repo.update(log.id, { sourceLocation: fetched.location, bytes: fetched.bytes });
        cluster = await PgCluster.fromBaseBackup({ dataDir, port: await freePort(), binDir: this.deps.serverBinDir, tar: createReadStream(spool) });
      } finally {
        await rm(spool, { force: true });
      }

      const envFile = join(home, 'wal-fetch.env');
      await writeAsPostgres(envFile, Object.entries({ ...this.deps.walFetchEnv, LIFEBOAT_WAL_SYSTEM_ID: systemId }).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
      await cluster.writeRecoverySettings({
        restoreCommand: `${this.deps.walFetchCommand} wal-fetch %f %p --settings ${envFile}`,
        recoveryTargetTime: target,
        recoveryTargetAction: 'promote',
      });

      progress.to('restoring', `replaying WAL up to ${target.toISOString()}`);
      try {
        await cluster.start();
      } catch (err) {
        throw await this.#recoveryFailure(cluster, err, target);
      }
      const recoveredTo = await this.#waitForPromotion(cluster, target);
      const clusterUrl = cluster.url(databaseNameOf(this.deps.sourceUrl));
      await repo.update(log.id, { recoveredTo, clusterUrl });

      if (log.targetDatabase) {
        progress.to('restoring', `copying the recovered database into ${log.targetDatabase}, ${log.jobs} COPY at once`);
        await this.#copyInto(log, clusterUrl);
        progress.to('checking');
        return {
          recoveredTo,
          clusterUrl: null,
          plan: `recovered to ${recoveredTo.toISOString()} from base backup ${base.id}, copied into the new database ${log.targetDatabase}; the recovery cluster was removed`,
        };
      }
      keep = true;
      return { recoveredTo, clusterUrl, plan: `recovered to ${recoveredTo.toISOString()} from base backup ${base.id}; the recovered cluster runs at ${clusterUrl} until you stop it (stopRecoveredCluster)` };
    } finally {
      if (!keep) {
        await cluster?.destroy().catch(() => undefined);
        await rm(home, { recursive: true, force: true });
      }
    }
  }

  /** Polls until the server is promoted (recovery reached the target), or gave up. */
  async #waitForPromotion(cluster: PgCluster, target: Date): Promise<Date> {
    const deadline = Date.now() + this.deps.timeoutMs;
    while (Date.now() < deadline) {
      const client = new Client({ connectionString: cluster.url() });
      try {
        await client.connect();
        const { rows } = await client.query<{ recovering: boolean; replayed: Date | null }>(
          'select pg_is_in_recovery() as recovering, pg_last_xact_replay_timestamp() as replayed',
        );
        if (!rows[0].recovering) {
          if (!rows[0].replayed) throw new LifeboatError('RESTORE_FAILED', 'the recovery replayed no transaction: the archive holds no WAL after the base backup');
          return rows[0].replayed;
        }
      } catch (err) {
        if (err instanceof LifeboatError) throw err;
        if (!(await cluster.isRunning())) throw await this.#recoveryFailure(cluster, err, target);
      } finally {
        await client.end().catch(() => undefined);
      }
      await sleep(500);
    }
    throw new LifeboatError('RESTORE_FAILED', `recovery did not reach ${target.toISOString()} within ${Math.round(this.deps.timeoutMs / 1000)} s`);
  }

  /** Why recovery stopped: a gap in the archive (the file wal-fetch could not find), or the server's own words. */
  async #recoveryFailure(cluster: PgCluster, cause: unknown, target: Date): Promise<LifeboatError> {
    const log = await cluster.logTail(200);
    const missing = [...log.matchAll(/OBJECT_NOT_FOUND[^\n]*?([0-9A-F]{24})/g)].map((m) => m[1]);
    if (/recovery ended before configured recovery target was reached/.test(log)) {
      const gap = missing.length ? missing[missing.length - 1] : 'unknown';
      return new LifeboatError('RESTORE_FAILED', `the WAL archive has a gap: ${gap} is missing, so recovery cannot reach ${target.toISOString()}; nothing was promoted`, {
        details: { missingSegment: gap },
        hint: 'restore to a time before the gap, or find the missing WAL file',
      });
    }
    return new LifeboatError('RESTORE_FAILED', `recovery failed: ${messageOf(cause)}\n${log.split('\n').slice(-15).join('\n')}`, { cause });
  }

  /**
   * pg_dump of the recovered database loaded as it comes into a new database of the protected
   * cluster (StreamedRestore, with the restore's jobs).
   */
  async #copyInto(log: RestoreLog, recoveredUrl: string): Promise<void> {
    const targetDatabase = log.targetDatabase!;
    const restore = new StreamedRestore({
      databaseUrl: databaseUrlOf(this.deps.sourceUrl, targetDatabase),
      jobs: log.jobs,
      tocFile: join(this.deps.spoolDir, `${log.id}.dump`),
      listFile: join(this.deps.spoolDir, `${log.id}.list`),
      binDir: this.deps.pgBinDir,
    });
    await this.deps.server.create(targetDatabase);
    try {
      await pipeline(pgDump({ databaseUrl: recoveredUrl, binDir: this.deps.pgBinDir }), restore.sink());
      await restore.finish();
    } catch (err) {
      await this.deps.server.drop(targetDatabase).catch(() => undefined);
      throw err;
    } finally {
      await restore.cleanup();
    }
  }
}

/** Writes a file only the postgres OS user can read (the recovery cluster's restore_command reads it). */
async function writeAsPostgres(path: string, text: string): Promise<void> {
  await writeFile(path, text, { mode: 0o600 });
  await giveToPostgres(path);
}
