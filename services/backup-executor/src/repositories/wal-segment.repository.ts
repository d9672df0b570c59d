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

  /** Files of a cluster archived before `before` whose names sort before `name` (oldest first). */
  async archivedBefore(systemId: string, before: Date, name: string): Promise<WalSegment[]> {
    return this.orm.em.fork().find(WalSegment, { systemId, archivedAt: { $lt: before }, name: { $lt: name } }, { orderBy: { name: 'asc' } });
  }

  async remove(name: string): Promise<void> {
    await this.orm.em.fork().nativeDelete(WalSegment, { name });
  }
}
