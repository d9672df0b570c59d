/** `Backup.copies`: every location's copy of a backup. */
import { Authorized, FieldResolver, Resolver, Root } from 'type-graphql';
import type { BackupCopyRepository } from '../repositories/backup-copy.repository';
import { BackupCopyView } from '../schema/backup-copy.type';
import { BackupReference } from '../schema/backup.reference';

@Resolver(() => BackupReference)
export class BackupCopiesResolver {
  constructor(private readonly repo: BackupCopyRepository) {}

  @Authorized()
  @FieldResolver(() => [BackupCopyView], { description: 'One per storage location' })
  async copies(@Root() backup: BackupReference): Promise<BackupCopyView[]> {
    return backup.verified ?? this.repo.forBackup(backup.id);
  }
}
