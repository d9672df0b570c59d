/** API tokens for automation: create (shown once), list, revoke. */
import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { LifeboatError } from '@lifeboat/errors';
import { roleAtLeast } from '@lifeboat/graphql';
import { newApiToken } from '../auth/tokens';
import type { GatewayContext } from '../context';
import type { ApiTokenRepository } from '../repositories/api-token.repository';
import type { UserRepository } from '../repositories/user.repository';
import { ApiTokenCreated, ApiTokenView, CreateApiTokenInput } from '../schema/auth.types';

@Resolver()
export class ApiTokenResolver {
  constructor(
    private readonly tokens: ApiTokenRepository,
    private readonly users: UserRepository,
  ) {}

  /** Only people create tokens: a token cannot mint further tokens. */
  @Authorized()
  @Mutation(() => ApiTokenCreated)
  async createApiToken(@Arg('input', () => CreateApiTokenInput) input: CreateApiTokenInput, @Ctx() ctx: GatewayContext): Promise<ApiTokenCreated> {
    const identity = ctx.identity!;
    if (identity.kind !== 'user') throw new LifeboatError('FORBIDDEN', 'API tokens cannot create tokens; log in as a user');
    const name = input.name.trim();
    if (!name || name.length > 200) throw new LifeboatError('BAD_USER_INPUT', 'name must be 1 to 200 characters');
    const role = input.role ?? identity.role;
    if (!roleAtLeast(identity.role, role)) throw new LifeboatError('FORBIDDEN', `you cannot create a ${role} token as ${identity.role}`);
    if (input.expiresInDays !== undefined && input.expiresInDays !== null && (input.expiresInDays < 1 || input.expiresInDays > 3650)) {
      throw new LifeboatError('BAD_USER_INPUT', 'expiresInDays must be between 1 and 3650');
    }
    const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null;
    const fresh = newApiToken();
    const apiToken = await this.tokens.create({ id: fresh.id, name, ownerId: identity.id, role, secretHash: fresh.secretHash, expiresAt });
    return { token: fresh.token, apiToken };
  }

  @Authorized()
  @Query(() => [ApiTokenView], { description: 'Admins see every token; others their own' })
  async apiTokens(@Ctx() ctx: GatewayContext): Promise<ApiTokenView[]> {
    const identity = ctx.identity!;
    if (identity.role === 'ADMIN') return this.tokens.list();
    const owner = identity.kind === 'user' ? identity.id : (await this.tokens.byId(identity.id))?.ownerId;
    return owner ? this.tokens.list(owner) : [];
  }

  @Authorized()
  @Mutation(() => ApiTokenView, { description: 'Revokes a token at once; revoking twice is harmless' })
  async revokeApiToken(@Arg('id', () => ID) id: string, @Ctx() ctx: GatewayContext): Promise<ApiTokenView> {
    const identity = ctx.identity!;
    const token = await this.tokens.byId(id);
    if (!token) throw new LifeboatError('NOT_FOUND', `no API token ${id}`);
    const ownerId = identity.kind === 'user' ? identity.id : (await this.users.byEmailWithHash(identity.email))?.id;
    if (identity.role !== 'ADMIN' && token.ownerId !== ownerId) throw new LifeboatError('FORBIDDEN', 'only its owner or an admin can revoke a token');
    return (await this.tokens.revoke(id, new Date()))!;
  }
}
