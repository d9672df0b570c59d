/** The events library's Inbox on MikroORM: handler work and the handled id commit together. */
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Inbox } from '@lifeboat/events';
import { HandledEvent } from './handled-event.entity';

export class MikroOrmInbox implements Inbox<EntityManager> {
  constructor(private readonly orm: MikroORM) {}

  async once(consumer: string, eventId: string, fn: (tx: EntityManager) => Promise<void>): Promise<boolean> {
    return this.orm.em.fork().transactional(async (em) => {
      const result = await em
        .createQueryBuilder(HandledEvent)
        .insert({ consumer, eventId })
        .onConflict(['consumer', 'eventId'])
        .ignore()
        .execute('run');
      if (result.affectedRows === 0) return false;
      await fn(em);
      return true;
    });
  }
}
