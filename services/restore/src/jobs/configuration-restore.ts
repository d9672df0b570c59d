/**
 * Configuration restores: a CONFIGURATION backup's files extracted into a directory on the
 * restore service's machine — an empty one only, unless overwriting is asked for — never outside
 * it (the archive is checked whole before anything is written: see @lifeboat/config-archive).
 * Recorded on the restore log like any restore, with its progress and a heartbeat: one whose
 * service dies is failed by the stale-restore reaper (the files extracted until then stay where
 * they are). Also lists an archive's files from its manifest.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { type CollectedFile, extractArchive } from '@lifeboat/config-archive';
import { LifeboatError, errorCodeOf, messageOf } from '@lifeboat/errors';
import type { EventBus } from '@lifeboat/events';
import type { KnownBackup } from '../repositories/known-backup.entity';
import type { RestoreLog } from '../repositories/restore-log.entity';
import type { RestoreLogRepository } from '../repositories/restore-log.repository';
import { type CopyFetcher, fileSink } from './copy-fetcher';
import { RestoreProgressReporter } from './restore-progress';

export interface ConfigurationRestoreResult {
  log: RestoreLog;
  files: number;
  directories: number;
  symlinks: number;
  bytes: number;
}

export interface ConfigurationRestoreDeps {
  repo: RestoreLogRepository;
  fetcher: CopyFetcher;
  spoolDir: string;
  bus: EventBus;
  instance: string;
}

export class ConfigurationRestore {
  constructor(private readonly deps: ConfigurationRestoreDeps) {}

  async files(backup: KnownBackup): Promise<CollectedFile[]> {
    this.#requireConfiguration(backup);
    const manifest = await this.deps.fetcher.manifest(backup);
    return (manifest.details.files as CollectedFile[] | undefined) ?? [];
  }

  async restore(backup: KnownBackup, into: string, overwrite: boolean, initiatedBy: string): Promise<ConfigurationRestoreResult> {
    this.#requireConfiguration(backup);
    if (!isAbsolute(into)) throw new LifeboatError('BAD_USER_INPUT', `into: "${into}" must be an absolute path`);
    const startedAt = new Date();
    const { repo, fetcher, spoolDir, bus, instance } = this.deps;
    // The spool file is named after the restore's id, and recorded with it from the start.
    const id = randomUUID();
    const spool = join(spoolDir, `${id}.tar`);
    await mkdir(spoolDir, { recursive: true });
    const log = await repo.create({ id, backupId: backup.id, initiatedBy, restoreMode: 'FULL', tenantIds: null, targetDatabase: null, status: 'RUNNING', startedAt, jobs: 1, instance, heartbeatAt: startedAt, spoolPath: spool });
    const progress = new RestoreProgressReporter(bus, log.id, () => repo.update(log.id, { heartbeatAt: new Date() }));
    progress.totalBytes = backup.sizeBytes;
    progress.start();
    const failovers: RestoreLog['failovers'] = [];
    try {
      progress.to('fetching');
      const { sink, cleanup } = fileSink(spool);
      const fetched = await fetcher.fetch(backup, sink, cleanup, {
        onBytes: (location, bytes) => {
          progress.location = location;
          progress.bytes = bytes;
        },
        onFailover: async (f) => void failovers.push(f),
      });
      progress.to('restoring', `extracting into ${into}`);
      const report = await extractArchive(spool, into, { overwrite });
      const completedAt = new Date();
      const plan = `extracted ${report.files} files, ${report.directories} directories and ${report.symlinks} links (${report.bytes} bytes) into ${into}`;
      await repo.update(log.id, { status: 'COMPLETED', completedAt, durationSeconds: (completedAt.getTime() - startedAt.getTime()) / 1000, sourceLocation: fetched.location, bytes: fetched.bytes, failovers, plan });
      progress.to('completed', plan);
      return { log: (await repo.get(log.id))!, ...report };
    } catch (err) {
      const message = `${errorCodeOf(err)}: ${messageOf(err)}`;
      await repo.update(log.id, { status: 'FAILED', completedAt: new Date(), errorMessage: message, failovers });
      progress.to('failed', message);
      throw err;
    } finally {
      progress.stop();
      await rm(spool, { force: true });
    }
  }

  #requireConfiguration(backup: KnownBackup): void {
    if (backup.type !== 'CONFIGURATION') throw new LifeboatError('BAD_USER_INPUT', `backupId: ${backup.id} is a ${backup.type} backup, not a CONFIGURATION one`);
  }
}
