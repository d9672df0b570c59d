/** Queries over alerts. */
import { Arg, Authorized, Int, Query, Resolver } from 'type-graphql';
import { LifeboatError } from '@lifeboat/errors';
import type { AlertRepository } from '../repositories/alert.repository';
import { AlertView } from '../schema/alert.type';

@Resolver(() => AlertView)
export class AlertResolver {
  constructor(private readonly repo: AlertRepository) {}

  @Authorized()
  @Query(() => [AlertView], { description: 'Alerts, newest first; `status` filters (OPEN, ACKNOWLEDGED, RESOLVED)' })
  async alerts(
    @Arg('status', () => String, { nullable: true }) status: string | undefined,
    @Arg('limit', () => Int, { defaultValue: 50 }) limit: number,
    @Arg('offset', () => Int, { defaultValue: 0 }) offset: number,
  ): Promise<AlertView[]> {
    if (limit < 1 || limit > 500) throw new LifeboatError('BAD_USER_INPUT', 'limit must be between 1 and 500');
    if (offset < 0) throw new LifeboatError('BAD_USER_INPUT', 'offset must not be negative');
    return this.repo.list(status, limit, offset);
  }
}
