/** GraphQL types of authentication: users, login results and API tokens. */
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ROLES, type Role } from '@lifeboat/graphql';

const RoleEnum = Object.fromEntries(ROLES.map((r) => [r, r])) as Record<Role, Role>;
registerEnumType(RoleEnum, { name: 'Role', description: 'VIEWER reads; OPERATOR runs backups and non-destructive restores; ADMIN does everything' });

@ObjectType('User')
export class UserView {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  email!: string;

  @Field(() => RoleEnum)
  role!: Role;

  @Field(() => Boolean)
  disabled!: boolean;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  lastLoginAt!: Date | null;
}

@ObjectType('AuthPayload')
export class AuthPayload {
  @Field(() => String, { description: 'Send as `Authorization: Bearer <token>`' })
  token!: string;

  @Field(() => Date)
  expiresAt!: Date;

  @Field(() => UserView)
  user!: UserView;
}

@InputType('CreateUserInput')
export class CreateUserInput {
  @Field(() => String)
  email!: string;

  @Field(() => String)
  password!: string;

  @Field(() => RoleEnum)
  role!: Role;
}

@InputType('UpdateUserInput')
export class UpdateUserInput {
  @Field(() => RoleEnum, { nullable: true })
  role?: Role;

  @Field(() => Boolean, { nullable: true })
  disabled?: boolean;

  @Field(() => String, { nullable: true })
  password?: string;
}

@ObjectType('ApiToken')
export class ApiTokenView {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => ID)
  ownerId!: string;

  @Field(() => RoleEnum)
  role!: Role;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  expiresAt!: Date | null;

  @Field(() => Date, { nullable: true })
  lastUsedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  revokedAt!: Date | null;
}

@ObjectType('ApiTokenCreated')
export class ApiTokenCreated {
  @Field(() => String, { description: 'The token itself: shown once, stored only as a hash' })
  token!: string;

  @Field(() => ApiTokenView)
  apiToken!: ApiTokenView;
}

@InputType('CreateApiTokenInput')
export class CreateApiTokenInput {
  @Field(() => String)
  name!: string;

  @Field(() => RoleEnum, { nullable: true, description: 'Defaults to your role; never above it' })
  role?: Role;

  @Field(() => Int, { nullable: true, description: 'Days until it expires; never when absent' })
  expiresInDays?: number;
}
