/** `events`: the bus, live, for admins who want to watch what the services say to each other. */
import { Arg, Authorized, Root, Subscription, Resolver } from 'type-graphql';
import { LifeboatError } from '@lifeboat/errors';
import { EVENT_TYPES, type Envelope, isEventType } from '@lifeboat/events';
import { roleAtLeast } from '@lifeboat/graphql';
import type { SubscriptionContext } from '../context';
import { EventEnvelopeView } from '../schema/event-envelope.type';

@Resolver()
export class EventsResolver {
  @Authorized('ADMIN')
  @Subscription(() => EventEnvelopeView, {
    description: 'Events as they are published (ADMIN); `types` filters, all when absent',
    subscribe: ({ args, context }) => {
      const ctx = context as SubscriptionContext;
      if (!ctx.identity) throw new LifeboatError('UNAUTHENTICATED', 'authentication required');
      if (!roleAtLeast(ctx.identity.role, 'ADMIN')) throw new LifeboatError('FORBIDDEN', 'watching events needs the ADMIN role');
      const types = (args as { types?: string[] | null }).types ?? [...EVENT_TYPES];
      const unknown = types.filter((t) => !isEventType(t));
      if (unknown.length) throw new LifeboatError('BAD_USER_INPUT', `unknown event types: ${unknown.join(', ')}; known: ${EVENT_TYPES.join(', ')}`);
      return ctx.bus.watchEvents(types.filter(isEventType));
    },
  })
  events(@Root() envelope: Envelope, @Arg('types', () => [String], { nullable: true }) _types?: string[]): EventEnvelopeView {
    return { ...envelope, occurredAt: new Date(envelope.occurredAt) };
  }
}
