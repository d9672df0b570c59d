/** A person who can log in: email, scrypt password hash and role. */
import { randomUUID } from 'node:crypto';
import { Entity, Enum, type Opt, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { ROLES, type Role } from '@lifeboat/graphql';

@Entity({ tableName: 'app_user' })
export class User {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** Stored lower-cased. */
  @Unique()
  @Property({ type: 'string', length: 320 })
  email!: string;

  @Property({ type: 'string', length: 300, lazy: true })
  passwordHash!: string;

  @Enum({ items: () => [...ROLES] })
  role!: Role;

  @Property({ type: 'boolean' })
  disabled: boolean & Opt = false;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  lastLoginAt: Date | null = null;
}
