/** The events library's Inbox on MikroORM: handler work and the handled ids commit together. */
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Inbox, InboxItem } from '@lifeboat/events';

export class MikroOrmInbox implements Inbox<EntityManager> {
  constructor(private readonly orm: MikroORM) {}

  async onceEach(consumer: string, items: InboxItem<EntityManager>[]): Promise<boolean[]> {
    if (items.length === 0) return [];
    return this.orm.em.fork().transactional(async (em) => {
      // One statement records every id; those it did not insert were handled before. Written as
      // SQL: every event of every consumer passes here, and the query builder costs several
      // times the statement's own round trip in CPU.
      const inserted = await em.execute<{ event_id: string }[]>(
        `insert into handled_event (consumer, event_id) values ${items.map(() => '(?, ?)').join(', ')}
           on conflict (consumer, event_id) do nothing returning event_id`,
        items.flatMap((i) => [consumer, i.eventId]),
      );
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

  async runEach(items: InboxItem<EntityManager>[]): Promise<void> {
    for (const item of items) await item.fn(this.orm.em.fork());
  }
}
