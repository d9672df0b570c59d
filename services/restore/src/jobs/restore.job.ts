/**
 * Runs a restore recorded by `startRestore` (tenant restores are TenantRestoreJob's, point-in-time
 * recoveries PitrRestoreJob's). A full
 * restore of a FULL_DATABASE backup: fetch the healthiest copy into a spool file, create
 * the target database, `pg_restore --jobs`, then compare every table's row count with the
 * backup's manifest. Into the protected database itself, the restore is built in a working
 * database first and swapped in only once checked, the old database kept aside: a failed
 * restore never leaves the protected database half-written. Whatever a failed restore created
 * (database, spool file) is removed. A dry run checks every step that can be checked without
 * writing, and says what it would do.
 */
import { mkdir, rm, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from 'pg';
import { errorCodeOf, LifeboatError, messageOf } from '@lifeboat/errors';
import type { EventBus } from '@lifeboat/events';
import type { Logger } from '@lifeboat/observability';
import { type DatabaseServer, type DumpOffsetIndexer, countRows, databaseNameOf, databaseUrlOf, patchDumpOffsets, pgRestore } from '@lifeboat/pg-tools';
import type { ArtifactManifest } from '@lifeboat/manifest';
import { asideDatabaseName, workingDatabaseName } from '../domain/database-names';
import type { KnownBackup } from '../repositories/known-backup.entity';
import type { KnownBackupRepository } from '../repositories/known-backup.repository';
import type { RestoreLog } from '../repositories/restore-log.entity';
import type { RestoreLogRepository } from '../repositories/restore-log.repository';
import { type CopyFetcher, indexedDumpSink, nullSink } from './copy-fetcher';
import { RestoreProgressReporter } from './restore-progress';
import type { PitrRestoreJob } from './pitr-restore.job';
import type { TenantRestoreJob } from './tenant-restore.job';

export interface RestoreDeps {
  tenants: TenantRestoreJob;
  pitr: PitrRestoreJob;
  repo: RestoreLogRepository;
  known: KnownBackupRepository;
  fetcher: CopyFetcher;
  server: DatabaseServer;
  sourceUrl: string;
  spoolDir: string;
  pgBinDir?: string;
  bus: EventBus;
  logger: Logger;
  instance: string;
}

export class RestoreJob {
  constructor(private readonly deps: RestoreDeps) {}

  get protectedDatabase(): string {
    return databaseNameOf(this.deps.sourceUrl);
  }

  async run(restoreId: string): Promise<void> {
    const { repo } = this.deps;
    const log = await repo.get(restoreId);
    // Delivered again after it ran (or while another service runs it): nothing to do here.
    if (!log || log.status !== 'PENDING') return;
    const startedAt = new Date();
    await repo.update(log.id, { status: 'RUNNING', startedAt, instance: this.deps.instance, heartbeatAt: startedAt });
    const progress = new RestoreProgressReporter(this.deps.bus, log.id, () => repo.update(log.id, { heartbeatAt: new Date() }));
    progress.start();
    const failovers = [...log.failovers];
    try {
      const result =
        log.restoreMode === 'PITR'
          ? await this.deps.pitr.run(log, progress, failovers)
          : log.backupIds
            ? await this.deps.tenants.run(log, progress, failovers)
            : await this.#database(log, progress, failovers);
      const completedAt = new Date();
      const durationSeconds = (completedAt.getTime() - startedAt.getTime()) / 1000;
      await repo.update(log.id, { ...result, status: 'COMPLETED', completedAt, durationSeconds, failovers });
      progress.to('completed', result.plan ?? null);
      if (!log.dryRun) {
        await this.deps.bus.publish('restore.completed', {
          restoreId: log.id,
          backupId: log.backupId,
          mode: log.restoreMode,
          targetDatabase: log.targetDatabase,
          tenantIds: log.tenantIds ?? [],
          durationSeconds,
        });
      }
    } catch (err) {
      const code = errorCodeOf(err);
      const message = `${code}: ${messageOf(err)}`;
      this.deps.logger.error({ restoreId: log.id, code, err: messageOf(err) }, 'restore failed');
      const completedAt = new Date();
      await repo.update(log.id, { status: 'FAILED', errorMessage: message, completedAt, durationSeconds: (completedAt.getTime() - startedAt.getTime()) / 1000, failovers });
      progress.to('failed', message);
      await this.deps.bus
        .publish('restore.failed', { restoreId: log.id, backupId: log.backupId, mode: log.restoreMode, error: { code, message: messageOf(err) } })
        .catch((e) => this.deps.logger.error({ err: messageOf(e) }, 'could not publish restore.failed'));
    } finally {
      progress.stop();
    }
  }

  async #database(log: RestoreLog, progress: RestoreProgressReporter, failovers: RestoreLog['failovers']) {
    const backup = await this.deps.known.get(log.backupId!);
    if (!backup) throw new LifeboatError('NOT_FOUND', `backup ${log.backupId} is not known to the restore service`);
    progress.totalBytes = backup.sizeBytes;
    return log.dryRun ? this.#dryRun(log, backup, progress, failovers) : this.#restore(log, backup, progress, failovers);
  }

  async #restore(log: RestoreLog, backup: KnownBackup, progress: RestoreProgressReporter, failovers: RestoreLog['failovers']) {
    const { repo, server } = this.deps;
    const target = log.targetDatabase!;
    const replacing = target === this.protectedDatabase;
    const working = replacing ? workingDatabaseName(target, log.id) : target;
    await mkdir(this.deps.spoolDir, { recursive: true });
    const spoolPath = join(this.deps.spoolDir, `${log.id}.dump`);
    await repo.update(log.id, { spoolPath, workingDatabase: working });
    let created = false;
    try {
      progress.to('fetching');
      const spool = indexedDumpSink(spoolPath);
      const fetched = await this.deps.fetcher.fetch(backup, spool.sink, spool.cleanup, {
        onBytes: (location, bytes) => {
          progress.location = location;
          progress.bytes = bytes;
        },
        onFailover: async (f) => {
          failovers.push(f);
          progress.message = `${f.location}: ${f.code}; trying the next copy`;
          await repo.update(log.id, { failovers });
        },
      });
      await repo.update(log.id, { sourceLocation: fetched.location, bytes: fetched.bytes });
      await this.#setDataOffsets(spoolPath, spool.index());

      progress.to('restoring', `pg_restore --jobs ${log.jobs} into ${working}`);
      await server.create(working);
      created = true;
      await pgRestore({ databaseUrl: databaseUrlOf(this.deps.sourceUrl, working), dumpFile: spoolPath, jobs: log.jobs, binDir: this.deps.pgBinDir });

      progress.to('checking');
      const rowCheck = await this.#checkRows(working, await this.deps.fetcher.manifest(backup, fetched.location));
      await repo.update(log.id, { rowCheck });

      let previousDatabase: string | null = null;
      if (replacing) {
        progress.to('swapping', `putting ${working} in place of ${target}`);
        previousDatabase = asideDatabaseName(target, new Date());
        await server.swap(target, working, previousDatabase);
      }
      created = false;
      return {
        sourceLocation: fetched.location,
        bytes: fetched.bytes,
        rowCheck,
        previousDatabase,
        workingDatabase: replacing ? working : null,
        plan: replacing ? `restored into ${working}, then swapped in for ${target}; the previous database is kept as ${previousDatabase}` : `restored into the new database ${target}`,
      };
    } finally {
      if (created) await server.drop(working).catch((e) => this.deps.logger.warn({ err: messageOf(e), database: working }, 'could not drop the database of a failed restore'));
      await rm(spoolPath, { force: true });
    }
  }

  /**
   * The dump came through a pipe, so its TOC does not say where each table's data is: written in
   * now, so that pg_restore's parallel workers seek to it instead of reading through the file.
   */
  async #setDataOffsets(spoolPath: string, indexed: ReturnType<DumpOffsetIndexer['result']>): Promise<void> {
    if ('reason' in indexed) {
      this.deps.logger.info({ reason: indexed.reason }, 'the dump is restored without data offsets');
      return;
    }
    await patchDumpOffsets(spoolPath, indexed.index);
  }

  async #dryRun(log: RestoreLog, backup: KnownBackup, progress: RestoreProgressReporter, failovers: RestoreLog['failovers']) {
    const target = log.targetDatabase!;
    const replacing = target === this.protectedDatabase;
    progress.to('fetching', 'reading a copy end to end without writing it');
    const { sink, cleanup } = nullSink();
    const fetched = await this.deps.fetcher.fetch(backup, sink, cleanup, {
      onBytes: (location, bytes) => {
        progress.location = location;
        progress.bytes = bytes;
      },
      onFailover: async (f) => void failovers.push(f),
    });
    const manifest = await this.deps.fetcher.manifest(backup, fetched.location);
    progress.to('checking');
    const problems: string[] = [];
    const working = replacing ? workingDatabaseName(target, log.id) : target;
    if (await this.deps.server.exists(working)) problems.push(`the database ${working} already exists`);
    if (replacing && !(await this.deps.server.exists(target))) problems.push(`the protected database ${target} does not exist`);
    await mkdir(this.deps.spoolDir, { recursive: true });
    const disk = await statfs(this.deps.spoolDir);
    const free = disk.bavail * disk.bsize;
    if (free < manifest.originalSizeBytes) problems.push(`the spool directory has ${free} bytes free, the dump needs ${manifest.originalSizeBytes}`);
    const plan = [
      `read backup ${backup.id} from ${fetched.location} (${fetched.bytes} bytes, SHA-256 verified, decrypted with key ${backup.keyId})`,
      failovers.length ? `after leaving ${failovers.map((f) => `${f.location} (${f.code})`).join(', ')}` : null,
      `spool ${manifest.originalSizeBytes} bytes in ${this.deps.spoolDir} (${free} free)`,
      replacing
        ? `pg_restore --jobs ${log.jobs} into ${working}, check ${manifest.source.tables.length} tables' row counts, then swap it in for ${target} and keep the old one aside`
        : `create ${target} and pg_restore --jobs ${log.jobs} into it, then check ${manifest.source.tables.length} tables' row counts`,
    ]
      .filter(Boolean)
      .join('; ');
    if (problems.length) throw new LifeboatError('CONFLICT', `the restore would fail: ${problems.join('; ')}. It would ${plan}`);
    return { sourceLocation: fetched.location, bytes: fetched.bytes, plan: `would ${plan}` };
  }

  /** Compares each table's row count with the manifest's; a difference fails the restore, naming the tables. */
  async #checkRows(database: string, manifest: ArtifactManifest): Promise<Record<string, { expected: number; found: number }>> {
    const client = new Client({ connectionString: databaseUrlOf(this.deps.sourceUrl, database) });
    await client.connect();
    try {
      await client.query('set row_security = off');
      const found = new Map((await countRows(client)).map((t) => [`${t.schema}.${t.table}`, t.rows]));
      const check: Record<string, { expected: number; found: number }> = {};
      for (const t of manifest.source.tables) check[`${t.schema}.${t.table}`] = { expected: t.rows, found: found.get(`${t.schema}.${t.table}`) ?? 0 };
      const wrong = Object.entries(check).filter(([, c]) => c.expected !== c.found);
      if (wrong.length) {
        throw new LifeboatError('RESTORE_FAILED', `row counts differ from the backup's manifest: ${wrong.map(([t, c]) => `${t} expected ${c.expected}, found ${c.found}`).join('; ')}`, {
          details: { tables: wrong.map(([t]) => t) },
        });
      }
      return check;
    } finally {
      await client.end();
    }
  }
}
