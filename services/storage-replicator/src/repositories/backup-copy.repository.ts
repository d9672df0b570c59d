/**
 * Database access for backup copies, read for `Backup.copies`. A list of backups asks for the
 * copies of each backup separately, all at once: the asks of one turn of the event loop are
 * gathered into one query (instead of a query per backup).
 */
import type { MikroORM } from '@lifeboat/db';
import { BackupCopy } from './backup-copy.entity';

interface Ask {
  resolve(copies: BackupCopy[]): void;
  reject(err: unknown): void;
}

export class BackupCopyRepository {
  /** Backup id → the asks waiting for its copies, until the next query. */
  #asks?: Map<string, Ask[]>;

  constructor(private readonly orm: MikroORM) {}

  forBackup(backupId: string): Promise<BackupCopy[]> {
    return new Promise<BackupCopy[]>((resolve, reject) => {
      if (!this.#asks) {
        this.#asks = new Map();
        setImmediate(() => void this.#query());
      }
      const waiting = this.#asks.get(backupId) ?? [];
      waiting.push({ resolve, reject });
      this.#asks.set(backupId, waiting);
    });
  }

  async #query(): Promise<void> {
    const asks = this.#asks!;
    this.#asks = undefined;
    try {
      const copies = await this.orm.em.fork().find(BackupCopy, { backupId: { $in: [...asks.keys()] } }, { orderBy: { backupId: 'asc', location: 'asc' } });
      const byBackup = new Map<string, BackupCopy[]>();
      for (const copy of copies) byBackup.set(copy.backupId, [...(byBackup.get(copy.backupId) ?? []), copy]);
      for (const [backupId, waiting] of asks) for (const ask of waiting) ask.resolve(byBackup.get(backupId) ?? []);
    } catch (err) {
      for (const waiting of asks.values()) for (const ask of waiting) ask.reject(err);
    }
  }
}
