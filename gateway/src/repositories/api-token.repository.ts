/** Database access for API tokens; each call uses its own unit of work. */
import type { MikroORM } from '@lifeboat/db';
import type { Role } from '@lifeboat/graphql';
import { ApiToken } from './api-token.entity';

export class ApiTokenRepository {
  constructor(private readonly orm: MikroORM) {}

  async create(token: { id: string; name: string; ownerId: string; role: Role; secretHash: string; expiresAt: Date | null }): Promise<ApiToken> {
    const em = this.orm.em.fork();
    const entity = em.create(ApiToken, token);
    await em.persistAndFlush(entity);
    return entity;
  }

  async byIdWithHash(id: string): Promise<ApiToken | null> {
    return this.orm.em.fork().findOne(ApiToken, { id }, { populate: ['secretHash'] });
  }

  async byId(id: string): Promise<ApiToken | null> {
    return this.orm.em.fork().findOne(ApiToken, { id });
  }

  async list(ownerId?: string): Promise<ApiToken[]> {
    return this.orm.em.fork().find(ApiToken, ownerId ? { ownerId } : {}, { orderBy: { createdAt: 'desc' } });
  }

  async markUsed(id: string, at: Date): Promise<void> {
    await this.orm.em.fork().nativeUpdate(ApiToken, { id }, { lastUsedAt: at });
  }

  async revoke(id: string, at: Date): Promise<ApiToken | null> {
    const em = this.orm.em.fork();
    const token = await em.findOne(ApiToken, { id });
    if (!token) return null;
    token.revokedAt ??= at;
    await em.flush();
    return token;
  }
}
