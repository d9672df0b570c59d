/** Database access for users; each call uses its own unit of work. */
import type { MikroORM } from '@lifeboat/db';
import type { Role } from '@lifeboat/graphql';
import { User } from './user.entity';

export class UserRepository {
  constructor(private readonly orm: MikroORM) {}

  async byEmailWithHash(email: string): Promise<User | null> {
    return this.orm.em.fork().findOne(User, { email: email.toLowerCase() }, { populate: ['passwordHash'] });
  }

  async byId(id: string): Promise<User | null> {
    return this.orm.em.fork().findOne(User, { id });
  }

  async list(): Promise<User[]> {
    return this.orm.em.fork().find(User, {}, { orderBy: { email: 'asc' } });
  }

  async countAdmins(): Promise<number> {
    return this.orm.em.fork().count(User, { role: 'ADMIN', disabled: false });
  }

  async create(email: string, passwordHash: string, role: Role): Promise<User> {
    const em = this.orm.em.fork();
    const user = em.create(User, { email: email.toLowerCase(), passwordHash, role });
    await em.persistAndFlush(user);
    return user;
  }

  async update(id: string, changes: Partial<Pick<User, 'role' | 'disabled' | 'passwordHash' | 'lastLoginAt'>>): Promise<User | null> {
    const em = this.orm.em.fork();
    const user = await em.findOne(User, { id });
    if (!user) return null;
    em.assign(user, changes);
    await em.flush();
    return user;
  }
}
