/** The events library's Inbox on MikroORM: handler work and the handled ids commit together. */
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Inbox, InboxItem } from '@lifeboat/events';
import { HandledEvent } from './handled-event.entity';

export class MikroOrmInbox implements Inbox<EntityManager> {
  constructor(private readonly orm: MikroORM) {}

  async onceEach(consumer: string, items: InboxItem<EntityManager>[]): Promise<boolean[]> {
    if (items.length === 0) return [];
    return this.orm.em.fork().transactional(async (em) => {
      // One statement records every id; those it did not insert were handled before.
      const inserted: { event_id: string }[] = await em
        .createQueryBuilder(HandledEvent)
        .insert(items.map((i) => ({ consumer, eventId: i.eventId })))
        .onConflict(['consumer', 'eventId'])
        .ignore()
        .returning(['eventId'])
        .execute('all', false);
      const fresh = new Set(inserted.map((r) => r.event_id));
      const ran: boolean[] = [];
      for (const item of items) {
        const runs = fresh.delete(item.eventId);
        if (runs) await item.fn(em);
        ran.push(runs);
      }
      return ran;
    });
  }
}
