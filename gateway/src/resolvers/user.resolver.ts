/** User administration (ADMIN only). */
import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { LifeboatError } from '@lifeboat/errors';
import { hashPassword, passwordProblem } from '../auth/passwords';
import type { GatewayContext } from '../context';
import type { UserRepository } from '../repositories/user.repository';
import { CreateUserInput, UpdateUserInput, UserView } from '../schema/auth.types';

const EMAIL = /^[^\s@]+@[^\s@]+$/;

@Resolver()
export class UserResolver {
  constructor(private readonly repo: UserRepository) {}

  @Authorized('ADMIN')
  @Query(() => [UserView])
  async users(): Promise<UserView[]> {
    return this.repo.list();
  }

  @Authorized('ADMIN')
  @Mutation(() => UserView)
  async createUser(@Arg('input', () => CreateUserInput) input: CreateUserInput): Promise<UserView> {
    if (!EMAIL.test(input.email)) throw new LifeboatError('BAD_USER_INPUT', `email "${input.email}" is not an email address`);
    const problem = passwordProblem(input.password);
    if (problem) throw new LifeboatError('BAD_USER_INPUT', `password ${problem}`);
    if (await this.repo.byEmailWithHash(input.email)) throw new LifeboatError('CONFLICT', `a user with email ${input.email} exists`);
    return this.repo.create(input.email, await hashPassword(input.password), input.role);
  }

  @Authorized('ADMIN')
  @Mutation(() => UserView, { description: 'Changes a role, disables or enables, or sets a new password' })
  async updateUser(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateUserInput) input: UpdateUserInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<UserView> {
    const target = await this.repo.byId(id);
    if (!target) throw new LifeboatError('NOT_FOUND', `no user ${id}`);
    const losesAdmin = target.role === 'ADMIN' && ((input.role && input.role !== 'ADMIN') || input.disabled === true);
    if (losesAdmin && (await this.repo.countAdmins()) <= 1) {
      throw new LifeboatError('CONFLICT', 'this is the last enabled admin', { hint: 'make another user ADMIN first' });
    }
    if (id === ctx.identity?.id && input.disabled) throw new LifeboatError('BAD_USER_INPUT', 'you cannot disable yourself');
    const changes: Parameters<UserRepository['update']>[1] = {};
    if (input.role) changes.role = input.role;
    if (input.disabled !== undefined && input.disabled !== null) changes.disabled = input.disabled;
    if (input.password) {
      const problem = passwordProblem(input.password);
      if (problem) throw new LifeboatError('BAD_USER_INPUT', `password ${problem}`);
      changes.passwordHash = await hashPassword(input.password);
    }
    return (await this.repo.update(id, changes))!;
  }
}
