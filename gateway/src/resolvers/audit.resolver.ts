/** The audit log of mutations (ADMIN only). */
import { Arg, Authorized, Int, Query, Resolver } from 'type-graphql';
import { LifeboatError } from '@lifeboat/errors';
import type { AuditRepository } from '../repositories/audit.repository';
import { AuditEntryView } from '../schema/audit-entry.type';

@Resolver()
export class AuditResolver {
  constructor(private readonly audit: AuditRepository) {}

  @Authorized('ADMIN')
  @Query(() => [AuditEntryView], { description: 'Mutations, newest first' })
  async auditLog(
    @Arg('limit', () => Int, { defaultValue: 50 }) limit: number,
    @Arg('offset', () => Int, { defaultValue: 0 }) offset: number,
  ): Promise<AuditEntryView[]> {
    if (limit < 1 || limit > 500) throw new LifeboatError('BAD_USER_INPUT', 'limit must be between 1 and 500');
    if (offset < 0) throw new LifeboatError('BAD_USER_INPUT', 'offset must not be negative');
    return this.audit.list(limit, offset);
  }
}
