/** Database access for backup jobs; each call uses its own unit of work. */
import type { MikroORM } from '@lifeboat/db';
import { BackupJob } from './backup-job.entity';

export class BackupJobRepository {
  constructor(private readonly orm: MikroORM) {}

  async get(id: string): Promise<BackupJob | null> {
    return this.orm.em.fork().findOne(BackupJob, { id });
  }

  async list(limit: number, offset: number, scheduleId?: string): Promise<BackupJob[]> {
    return this.orm.em.fork().find(BackupJob, scheduleId ? { scheduleId } : {}, { orderBy: { createdAt: 'desc', id: 'asc' }, limit, offset });
  }

  async create(job: Pick<BackupJob, 'type' | 'tenantIds' | 'requestedBy' | 'scheduleId' | 'runAt' | 'status' | 'queuedAt'>): Promise<BackupJob> {
    const em = this.orm.em.fork();
    const entity = em.create(BackupJob, job);
    await em.persistAndFlush(entity);
    return entity;
  }

}
