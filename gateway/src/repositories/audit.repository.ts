/** Database access for the audit log; append-only. */
import type { MikroORM } from '@lifeboat/db';
import { AuditEntry } from './audit-entry.entity';

export class AuditRepository {
  constructor(private readonly orm: MikroORM) {}

  async append(entry: Omit<AuditEntry, 'id' | 'at' | 'errorCodes'> & { errorCodes: string[] }): Promise<void> {
    const em = this.orm.em.fork();
    em.persist(em.create(AuditEntry, entry));
    await em.flush();
  }

  async list(limit: number, offset: number): Promise<AuditEntry[]> {
    return this.orm.em.fork().find(AuditEntry, {}, { orderBy: { at: 'desc', id: 'asc' }, limit, offset });
  }
}
