/** Queries over backups. */
import { Arg, Args, Authorized, ID, Query, Resolver } from 'type-graphql';
import { LifeboatError } from '@lifeboat/errors';
import type { BackupRepository } from '../repositories/backup.repository';
import { BackupView } from '../schema/backup.type';
import { BackupsArgs } from '../schema/backups.args';

@Resolver(() => BackupView)
export class BackupResolver {
  constructor(private readonly repo: BackupRepository) {}

  @Authorized()
  @Query(() => [BackupView], { description: 'Backups, newest first' })
  async backups(@Args(() => BackupsArgs) args: BackupsArgs): Promise<BackupView[]> {
    if (args.limit < 1 || args.limit > 500) throw new LifeboatError('BAD_USER_INPUT', 'limit must be between 1 and 500');
    if (args.offset < 0) throw new LifeboatError('BAD_USER_INPUT', 'offset must not be negative');
    return this.repo.list(args);
  }

  @Authorized()
  @Query(() => BackupView, { nullable: true })
  async backup(@Arg('id', () => ID) id: string): Promise<BackupView | null> {
    return this.repo.get(id);
  }
}
