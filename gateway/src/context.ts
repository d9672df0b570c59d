/** What the gateway knows about a request: who (when authenticated), and where it came from. */
import type { EventBus } from '@lifeboat/events';
import type { Identity } from '@lifeboat/graphql';

export interface GatewayContext {
  identity?: Identity;
  requestId: string;
  remoteAddress?: string;
}

/** A graphql-ws connection's context: always authenticated, with the bus its subscriptions read. */
export interface SubscriptionContext extends GatewayContext {
  identity: Identity;
  bus: EventBus;
}
