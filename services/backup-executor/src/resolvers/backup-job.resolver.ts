/** `BackupJob.backups`: the backups a job produced, oldest first. */
import { Authorized, FieldResolver, Resolver, Root } from 'type-graphql';
import type { BackupRepository } from '../repositories/backup.repository';
import { BackupJobReference } from '../schema/backup-job.reference';
import { BackupView } from '../schema/backup.type';

@Resolver(() => BackupJobReference)
export class BackupJobResolver {
  constructor(private readonly repo: BackupRepository) {}

  @Authorized()
  @FieldResolver(() => [BackupView])
  async backups(@Root() job: BackupJobReference): Promise<BackupView[]> {
    return this.repo.forJob(job.id);
  }
}
