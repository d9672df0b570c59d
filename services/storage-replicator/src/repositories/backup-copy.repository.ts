/** Database access for backup copies; each call uses its own unit of work. */
import type { MikroORM } from '@lifeboat/db';
import { BackupCopy } from './backup-copy.entity';

export class BackupCopyRepository {
  constructor(private readonly orm: MikroORM) {}

  async forBackup(backupId: string): Promise<BackupCopy[]> {
    return this.orm.em.fork().find(BackupCopy, { backupId }, { orderBy: { location: 'asc' } });
  }
}
