/** An API token for automation: its role, owner and state; the secret itself is kept only as a hash. */
import { Entity, Enum, Index, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { ROLES, type Role } from '@lifeboat/graphql';

@Entity({ tableName: 'api_token' })
@Index({ properties: ['ownerId'] })
export class ApiToken {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'string', length: 200 })
  name!: string;

  @Property({ type: 'uuid' })
  ownerId!: string;

  @Enum({ items: () => [...ROLES] })
  role!: Role;

  /** SHA-256 (hex) of the token's secret part. */
  @Property({ type: 'string', length: 64, lazy: true })
  secretHash!: string;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  expiresAt: Date | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  lastUsedAt: Date | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  revokedAt: Date | null = null;
}
