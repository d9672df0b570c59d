/** `login` (the one operation open without a token) and `me`. */
import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { LifeboatError } from '@lifeboat/errors';
import type { Authenticator } from '../auth/authenticator';
import type { GatewayContext } from '../context';
import type { UserRepository } from '../repositories/user.repository';
import { AuthPayload, UserView } from '../schema/auth.types';

@Resolver()
export class AuthResolver {
  constructor(
    private readonly auth: Authenticator,
    private readonly users: UserRepository,
  ) {}

  @Mutation(() => AuthPayload, { description: 'Exchanges an email and password for a login token' })
  async login(@Arg('email', () => String) email: string, @Arg('password', () => String) password: string): Promise<AuthPayload> {
    return this.auth.login(email, password);
  }

  @Authorized()
  @Query(() => UserView, { description: 'The caller (for an API token: its owner)' })
  async me(@Ctx() ctx: GatewayContext): Promise<UserView> {
    const identity = ctx.identity!;
    if (identity.kind === 'user') {
      const user = await this.users.byId(identity.id);
      if (user) return user;
    } else {
      const owner = (await this.users.list()).find((u) => u.email === identity.email);
      if (owner) return owner;
    }
    throw new LifeboatError('NOT_FOUND', 'the caller no longer exists');
  }
}
