/**
 * type-graphql's PubSub over core NATS (STACK.md: type-graphql 2 requires one when a schema has
 * subscriptions). Topics are `kind:id:id…`, mapped to progress subjects; iterators release their
 * subscription on return().
 */
import type { PubSub } from 'type-graphql';
import type { EventBus } from '@lifeboat/events';

export function natsPubSub(bus: EventBus): PubSub {
  return {
    publish(topic: string, payload: unknown) {
      const [kind, ...ids] = topic.split(':');
      bus.publishProgress(kind, ids, payload as object);
    },
    subscribe(topic: string) {
      const [kind, ...ids] = topic.split(':');
      return bus.watchProgress(kind, ids);
    },
  };
}
