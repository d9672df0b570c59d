/**
 * Runs a restore recorded by `startRestore` (tenant restores are TenantRestoreJob's, point-in-time
 * recoveries PitrRestoreJob's). A full restore of a FULL_DATABASE backup: the healthiest copy is
 * read and loaded into the target database as it arrives (StreamedRestore: the schema from the
 * dump's TOC, the rows through parallel COPY, then indexes and constraints with `pg_restore
 * --jobs`), and every table's row count is compared with the backup's manifest. A copy found bad
 * at its end (checksum) costs the database built from it, which is dropped before the next copy
 * starts again. Into the protected database itself, the restore is built in a working database
 * first and swapped in only once checked, the old database kept aside: a failed restore never
 * leaves the protected database half-written. Whatever a failed restore created (database, TOC
 * file) is removed. A dry run checks every step that can be checked without writing, and says
 * what it would do.
 */
import { mkdir, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { errorCodeOf, LifeboatError, messageOf } from '@lifeboat/errors';
import type { EventBus } from '@lifeboat/events';
import type { Logger } from '@lifeboat/observability';
import { type DatabaseServer, StreamedRestore, databaseNameOf, databaseUrlOf } from '@lifeboat/pg-tools';
import { asideDatabaseName, workingDatabaseName } from '../domain/database-names';
import { checkRowCounts } from '../domain/row-check';
import type { KnownBackup } from '../repositories/known-backup.entity';
import type { KnownBackupRepository } from '../repositories/known-backup.repository';
import type { RestoreLog } from '../repositories/restore-log.entity';
import type { RestoreLogRepository } from '../repositories/restore-log.repository';
import { type CopyFetcher, nullSink } from './copy-fetcher';
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
    const tocFile = join(this.deps.spoolDir, `${log.id}.dump`);
    await repo.update(log.id, { spoolPath: tocFile, workingDatabase: working });
    let created = false;
    const dropWorking = async () => {
      if (created) await server.drop(working);
      created = false;
    };
    const restore = new StreamedRestore({
      databaseUrl: databaseUrlOf(this.deps.sourceUrl, working),
      jobs: log.jobs,
      tocFile,
      listFile: join(this.deps.spoolDir, `${log.id}.list`),
      binDir: this.deps.pgBinDir,
      beforeSchema: async () => {
        await server.create(working);
        created = true;
      },
      onLoading: () => progress.to('loading', `loading the tables into ${working} as the copy arrives, ${log.jobs} COPY at once`),
    });
    try {
      progress.to('fetching');
      const fetched = await this.deps.fetcher.fetch(
        backup,
        () => restore.sink(),
        async () => {
          await dropWorking();
          await restore.cleanup();
        },
        {
          onBytes: (location, bytes) => {
            progress.location = location;
            progress.bytes = bytes;
          },
          onFailover: async (f) => {
            failovers.push(f);
            progress.message = `${f.location}: ${f.code}; starting again from the next copy`;
            await repo.update(log.id, { failovers });
          },
        },
      );
      await repo.update(log.id, { sourceLocation: fetched.location, bytes: fetched.bytes });

      // The rows the server stored in each table (its COPY counts), checked against the
      // manifest before anything is built on them.
      progress.to('checking');
      const manifest = await this.deps.fetcher.manifest(backup, fetched.location);
      const rowCheck = checkRowCounts(manifest.source.tables, restore.loaded!.tables);
      await repo.update(log.id, { rowCheck });
      progress.to('indexing', `indexes and constraints: pg_restore --jobs ${log.jobs} into ${working}`);
      await restore.finish();

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
      await dropWorking().catch((e) => this.deps.logger.warn({ err: messageOf(e), database: working }, 'could not drop the database of a failed restore'));
      await restore.cleanup();
    }
  }

  /** The free space of the database server's disk, when its data directory is on this machine. */
  async #serverDisk(): Promise<{ directory: string; free: number } | { reason: string }> {
    const directory = await this.deps.server.dataDirectory();
    if (!directory) return { reason: 'the server does not show its data directory to this role' };
    try {
      const disk = await statfs(directory);
      return { directory, free: disk.bavail * disk.bsize };
    } catch {
      return { reason: `its data directory (${directory}) is not on this machine` };
    }
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
    // The rows go straight into the database server: its disk is the one that must hold them.
    const disk = await this.#serverDisk();
    if ('free' in disk && disk.free < manifest.originalSizeBytes) {
      problems.push(`the database server's disk (${disk.directory}) has ${disk.free} bytes free, the data alone needs ${manifest.originalSizeBytes}`);
    }
    const plan = [
      `read backup ${backup.id} from ${fetched.location} (${fetched.bytes} bytes, SHA-256 verified, decrypted with key ${backup.keyId})`,
      failovers.length ? `after leaving ${failovers.map((f) => `${f.location} (${f.code})`).join(', ')}` : null,
      replacing
        ? `load its ${manifest.originalSizeBytes} bytes of dump into ${working} as they arrive (${log.jobs} COPY at once), check ${manifest.source.tables.length} tables' row counts, pg_restore --jobs ${log.jobs} the indexes and constraints, then swap it in for ${target} and keep the old one aside`
        : `create ${target} and load its ${manifest.originalSizeBytes} bytes of dump into it as they arrive (${log.jobs} COPY at once), check ${manifest.source.tables.length} tables' row counts, then pg_restore --jobs ${log.jobs} the indexes and constraints`,
      'free' in disk ? `the database server's disk has ${disk.free} bytes free` : `the database server's free space was not checked: ${disk.reason}`,
    ]
      .filter(Boolean)
      .join('; ');
    if (problems.length) throw new LifeboatError('CONFLICT', `the restore would fail: ${problems.join('; ')}. It would ${plan}`);
    return { sourceLocation: fetched.location, bytes: fetched.bytes, plan: `would ${plan}` };
  }

}
