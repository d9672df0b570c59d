/**
 * The daily full backup, the seed's steps 1 to 8: pg_dump of the protected database inside an
 * exported snapshot, stored through the shared backup pipeline (backup-recorder.ts), with the row
 * count of every table in the same snapshot in its manifest. Two full backups of one database
 * never run at once (an advisory lock).
 */
import { type MikroORM, withAdvisoryLock } from '@lifeboat/db';
import { LifeboatError } from '@lifeboat/errors';
import { SnapshotSession, databaseNameOf, pgDump } from '@lifeboat/pg-tools';
import type { Backup } from '../repositories/backup.entity';
import type { BackupRecorder } from './backup-recorder';

export interface FullBackupDeps {
  orm: MikroORM;
  recorder: BackupRecorder;
  sourceUrl: string;
  compression: { level: number; workers?: number };
  pgBinDir?: string;
}

export class FullBackupJob {
  constructor(private readonly deps: FullBackupDeps) {}

  get sourceName(): string {
    return databaseNameOf(this.deps.sourceUrl) || 'postgres';
  }

  get lockKey(): string {
    const u = new URL(this.deps.sourceUrl);
    return `full-backup:${u.hostname}:${u.port || 5432}/${this.sourceName}`;
  }

  /**
   * Runs one full backup. Resolves with the record (COMPLETED or FAILED); rejects with CONFLICT,
   * recording nothing, when another full backup of the same database is running.
   */
  async run(jobId: string | null): Promise<Backup> {
    const locked = await withAdvisoryLock(this.deps.orm, this.lockKey, () => this.#run(jobId));
    if (!locked.acquired) {
      throw new LifeboatError('CONFLICT', `a full backup of ${this.sourceName} is already running`, {
        hint: 'wait for it to finish; two full backups of one database never run at once',
      });
    }
    return locked.value;
  }

  async #run(jobId: string | null): Promise<Backup> {
    const { recorder } = this.deps;
    const running = await recorder.begin('FULL_DATABASE', this.sourceName, jobId, null);
    let session: SnapshotSession | undefined;
    try {
      session = await SnapshotSession.open(this.deps.sourceUrl);
      const facts = await session.facts();
      running.progress.expectedIn = facts.sizeBytes;
      // Counted in the dump's own snapshot while the dump runs: they describe exactly what it holds.
      const counting = session.countRows();
      counting.catch(() => undefined);
      const stored = await recorder.store(running, pgDump({ databaseUrl: this.deps.sourceUrl, snapshot: session.snapshotId, binDir: this.deps.pgBinDir }), this.deps.compression);
      const tables = await counting;
      return await recorder.complete(running, stored, {
        compression: { algorithm: 'gzip', level: this.deps.compression.level },
        source: { database: facts.database, serverVersion: facts.serverVersion, serverVersionNum: facts.serverVersionNum, tool: 'pg_dump --format=custom', tables },
        details: {},
      });
    } catch (err) {
      return await recorder.fail(running, err);
    } finally {
      await session?.close();
    }
  }
}
