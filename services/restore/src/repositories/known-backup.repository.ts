/** Database access for what the restore service knows of backups. */
import type { MikroORM } from '@lifeboat/db';
import { KnownBackup } from './known-backup.entity';

export class KnownBackupRepository {
  constructor(private readonly orm: MikroORM) {}

  async get(id: string): Promise<KnownBackup | null> {
    return this.orm.em.fork().findOne(KnownBackup, { id });
  }
}
