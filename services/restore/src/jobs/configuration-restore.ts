/**
 * Configuration restores: a CONFIGURATION backup's files extracted into a directory on the
 * restore service's machine — an empty one only, unless overwriting is asked for — never outside
 * it (the archive is checked whole before anything is written: see @lifeboat/config-archive).
 * Recorded on the restore log like any restore. Also lists an archive's files from its manifest.
 */
import { mkdir, rm } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { type CollectedFile, extractArchive } from '@lifeboat/config-archive';
import { LifeboatError, errorCodeOf, messageOf } from '@lifeboat/errors';
import type { KnownBackup } from '../repositories/known-backup.entity';
import type { RestoreLog } from '../repositories/restore-log.entity';
import type { RestoreLogRepository } from '../repositories/restore-log.repository';
import { type CopyFetcher, fileSink } from './copy-fetcher';

export interface ConfigurationRestoreResult {
  log: RestoreLog;
  files: number;
  directories: number;
  symlinks: number;
  bytes: number;
}

export class ConfigurationRestore {
  constructor(
    private readonly repo: RestoreLogRepository,
    private readonly fetcher: CopyFetcher,
    private readonly spoolDir: string,
  ) {}

  async files(backup: KnownBackup): Promise<CollectedFile[]> {
    this.#requireConfiguration(backup);
    const manifest = await this.fetcher.manifest(backup);
    return (manifest.details.files as CollectedFile[] | undefined) ?? [];
  }

  async restore(backup: KnownBackup, into: string, overwrite: boolean, initiatedBy: string): Promise<ConfigurationRestoreResult> {
    this.#requireConfiguration(backup);
    if (!isAbsolute(into)) throw new LifeboatError('BAD_USER_INPUT', `into: "${into}" must be an absolute path`);
    const startedAt = new Date();
    const log = await this.repo.create({ backupId: backup.id, initiatedBy, restoreMode: 'FULL', tenantIds: null, targetDatabase: null, status: 'RUNNING', startedAt, jobs: 1 });
    await mkdir(this.spoolDir, { recursive: true });
    const spool = join(this.spoolDir, `${log.id}.tar`);
    const failovers: RestoreLog['failovers'] = [];
    try {
      const { sink, cleanup } = fileSink(spool);
      const fetched = await this.fetcher.fetch(backup, sink, cleanup, { onBytes: () => undefined, onFailover: async (f) => void failovers.push(f) });
      const report = await extractArchive(spool, into, { overwrite });
      const completedAt = new Date();
      const plan = `extracted ${report.files} files, ${report.directories} directories and ${report.symlinks} links (${report.bytes} bytes) into ${into}`;
      await this.repo.update(log.id, { status: 'COMPLETED', completedAt, durationSeconds: (completedAt.getTime() - startedAt.getTime()) / 1000, sourceLocation: fetched.location, bytes: fetched.bytes, failovers, plan });
      return { log: (await this.repo.get(log.id))!, ...report };
    } catch (err) {
      await this.repo.update(log.id, { status: 'FAILED', completedAt: new Date(), errorMessage: `${errorCodeOf(err)}: ${messageOf(err)}`, failovers });
      throw err;
    } finally {
      await rm(spool, { force: true });
    }
  }

  #requireConfiguration(backup: KnownBackup): void {
    if (backup.type !== 'CONFIGURATION') throw new LifeboatError('BAD_USER_INPUT', `backupId: ${backup.id} is a ${backup.type} backup, not a CONFIGURATION one`);
  }
}
