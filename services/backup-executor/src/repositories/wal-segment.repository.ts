/** Database access for archived WAL files. */
import type { RequiredEntityData } from '@mikro-orm/core';
import type { MikroORM } from '@lifeboat/db';
import { WalSegment } from './wal-segment.entity';

export class WalSegmentRepository {
  constructor(private readonly orm: MikroORM) {}

  /** Records a shipped file; shipping it again (after a crash before the spool let it go) updates it. */
  async record(data: RequiredEntityData<WalSegment>): Promise<void> {
    const em = this.orm.em.fork();
    await em.upsert(WalSegment, data);
  }

  async latest(): Promise<WalSegment | null> {
    return this.orm.em.fork().findOne(WalSegment, {}, { orderBy: { archivedAt: 'desc' } });
  }
}
