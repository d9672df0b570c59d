/**
 * How the gateway calls a service: over HTTP with the caller's identity in headers signed with
 * the internal secret. A service that does not answer becomes DEPENDENCY_UNAVAILABLE naming it,
 * instead of an anonymous fetch error.
 */
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { LifeboatError, messageOf } from '@lifeboat/errors';
import { signIdentity } from '@lifeboat/graphql';
import type { GatewayContext } from './context';

export class SigningDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    private readonly serviceName: string,
    url: string,
    private readonly secret: string,
  ) {
    super({ url });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = request.http?.headers;
    if (!headers) return;
    if ('identity' in context && context.identity) {
      for (const [name, value] of Object.entries(signIdentity(context.identity, this.secret))) headers.set(name, value);
    }
    if ('requestId' in context && context.requestId) headers.set('x-request-id', context.requestId);
  }

  override didEncounterError(error: Error): void {
    if (/ECONNREFUSED|ECONNRESET|ETIMEDOUT|socket hang up|fetch failed|EHOSTUNREACH|ENOTFOUND/i.test(messageOf(error) + messageOf(error.cause))) {
      throw new LifeboatError('DEPENDENCY_UNAVAILABLE', `the ${this.serviceName} service is not answering; try again shortly`, { cause: error });
    }
    throw error;
  }
}
