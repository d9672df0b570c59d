/** Queries over incidents. */
import { Arg, Authorized, ID, Int, Query, Resolver } from 'type-graphql';
import { LifeboatError } from '@lifeboat/errors';
import type { IncidentRepository } from '../repositories/incident.repository';
import { IncidentView } from '../schema/incident.type';

@Resolver(() => IncidentView)
export class IncidentResolver {
  constructor(private readonly repo: IncidentRepository) {}

  @Authorized()
  @Query(() => [IncidentView], { description: 'Incidents, newest first' })
  async incidents(
    @Arg('limit', () => Int, { defaultValue: 50 }) limit: number,
    @Arg('offset', () => Int, { defaultValue: 0 }) offset: number,
  ): Promise<IncidentView[]> {
    if (limit < 1 || limit > 500) throw new LifeboatError('BAD_USER_INPUT', 'limit must be between 1 and 500');
    if (offset < 0) throw new LifeboatError('BAD_USER_INPUT', 'offset must not be negative');
    return this.repo.list(limit, offset);
  }

  @Authorized()
  @Query(() => IncidentView, { nullable: true })
  async incident(@Arg('id', () => ID) id: string): Promise<IncidentView | null> {
    return this.repo.get(id);
  }
}
