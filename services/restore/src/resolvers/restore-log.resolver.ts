/** Queries over restore logs. */
import { Arg, Authorized, ID, Int, Query, Resolver } from 'type-graphql';
import { LifeboatError } from '@lifeboat/errors';
import type { RestoreLog } from '../repositories/restore-log.entity';
import type { RestoreLogRepository } from '../repositories/restore-log.repository';
import { RestoreLogView } from '../schema/restore-log.type';

export function toView(log: RestoreLog): RestoreLogView {
  return {
    ...log,
    backup: log.backupId ? { id: log.backupId } : null,
    failovers: log.failovers.map((f) => `${f.location}: ${f.code}: ${f.message}`),
    failoverDetails: log.failovers.map((f) => ({ ...f, at: new Date(f.at) })),
  };
}

@Resolver(() => RestoreLogView)
export class RestoreLogResolver {
  constructor(private readonly repo: RestoreLogRepository) {}

  @Authorized()
  @Query(() => [RestoreLogView], { description: 'Restores, newest first' })
  async restores(
    @Arg('limit', () => Int, { defaultValue: 50 }) limit: number,
    @Arg('offset', () => Int, { defaultValue: 0 }) offset: number,
  ): Promise<RestoreLogView[]> {
    if (limit < 1 || limit > 500) throw new LifeboatError('BAD_USER_INPUT', 'limit must be between 1 and 500');
    if (offset < 0) throw new LifeboatError('BAD_USER_INPUT', 'offset must not be negative');
    return (await this.repo.list(limit, offset)).map(toView);
  }

  @Authorized()
  @Query(() => RestoreLogView, { nullable: true })
  async restore(@Arg('id', () => ID) id: string): Promise<RestoreLogView | null> {
    const log = await this.repo.get(id);
    return log ? toView(log) : null;
  }
}
