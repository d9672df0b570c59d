/**
 * The CLI's only way into the running system: GraphQL over HTTP (fetch) for queries and
 * mutations, and graphql-ws on the same URL for subscriptions. Errors the gateway answers with
 * become GatewayErrors carrying their `extensions.code`; an unreachable gateway is
 * DEPENDENCY_UNAVAILABLE. Nothing here retries: a command that polls decides that itself.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { LifeboatError, messageOf } from '@lifeboat/errors';
import type { Secret } from '@lifeboat/config';

/** An error in a GraphQL response: `code` is its `extensions.code`, whatever the server sent. */
export class GatewayError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

interface GraphqlErrorEntry {
  message?: string;
  extensions?: { code?: unknown };
}

interface GraphqlResponse<T> {
  data?: T | null;
  errors?: GraphqlErrorEntry[];
}

const HINTS: Record<string, string> = {
  UNAUTHENTICATED: 'run `lifeboat login` (login tokens expire), or set LIFEBOAT_TOKEN to a valid API token',
  FORBIDDEN: 'your role does not allow this: ask an ADMIN, or log in as a user with the needed role',
  DEPENDENCY_UNAVAILABLE: 'a Lifeboat service behind the gateway is down: see the gateway /health/ready',
};

function errorOf(errors: GraphqlErrorEntry[]): GatewayError {
  const [first] = errors;
  const code = typeof first.extensions?.code === 'string' ? first.extensions.code : 'INTERNAL';
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more error${errors.length > 2 ? 's' : ''})` : '';
  return new GatewayError(code, `${first.message ?? 'no message'}${more}`, HINTS[code]);
}

/** Callbacks of one subscription. `error` is called at most once, and then nothing more is delivered. */
export interface SubscriptionSink<T> {
  next(data: T): void;
  error(err: GatewayError | LifeboatError): void;
}

export class GatewayClient {
  #ws: Client | undefined;

  /** `token` is sent as `Authorization: Bearer`; without one only `login` is possible. */
  constructor(
    private readonly url: string,
    private readonly token?: Secret,
  ) {}

  /** One query or mutation; resolves to its `data`, or throws the first GraphQL error. */
  async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token.reveal()}`;
    let response: Response;
    try {
      response = await fetch(this.url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    } catch (err) {
      throw new LifeboatError('DEPENDENCY_UNAVAILABLE', `cannot reach the gateway at ${this.url}: ${messageOf((err as Error).cause ?? err)}`, {
        cause: err,
        hint: 'is Lifeboat running (`npm start`)? LIFEBOAT_URL names its GraphQL endpoint',
      });
    }
    const text = await response.text();
    let body: GraphqlResponse<T>;
    try {
      body = JSON.parse(text) as GraphqlResponse<T>;
    } catch {
      throw new LifeboatError('DEPENDENCY_UNAVAILABLE', `the gateway at ${this.url} answered HTTP ${response.status} without a GraphQL response`, {
        hint: 'check that LIFEBOAT_URL names the GraphQL endpoint (…/graphql)',
      });
    }
    if (body.errors?.length) throw errorOf(body.errors);
    if (body.data === undefined || body.data === null) {
      throw new LifeboatError('INTERNAL', `the gateway answered HTTP ${response.status} with neither data nor errors`);
    }
    return body.data;
  }

  /**
   * Starts a subscription over graphql-ws (connected on first use, authenticated by the
   * `connection_init` payload) and returns the function that stops it.
   */
  subscribe<T>(query: string, variables: Record<string, unknown>, sink: SubscriptionSink<T>): () => void {
    this.#ws ??= createClient({
      url: this.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: this.token ? { authorization: `Bearer ${this.token.reveal()}` } : {},
      retryAttempts: 0,
    });
    let failed = false;
    const fail = (err: GatewayError | LifeboatError): void => {
      if (failed) return;
      failed = true;
      sink.error(err);
    };
    return this.#ws.subscribe<T>(
      { query, variables },
      {
        next: (result) => {
          if (result.errors?.length) fail(errorOf(result.errors as GraphqlErrorEntry[]));
          else if (result.data && !failed) sink.next(result.data);
        },
        error: (err) => fail(subscriptionError(err, this.url)),
        complete: () => {},
      },
    );
  }

  /** Closes the subscription connection, if one was opened. Idempotent. */
  async close(): Promise<void> {
    await this.#ws?.dispose();
    this.#ws = undefined;
  }
}

/** graphql-ws's close codes for a `connection_init` the server refused (Unauthorized, Forbidden). */
const REFUSED_CLOSE_CODES = new Set([4401, 4403]);

/** graphql-ws reports a closed socket as a CloseEvent, a failed connection as an ErrorEvent, GraphQL errors as an array. */
function subscriptionError(err: unknown, url: string): GatewayError | LifeboatError {
  if (Array.isArray(err)) return errorOf(err as GraphqlErrorEntry[]);
  const { code, reason, message } = err as { code?: unknown; reason?: unknown; message?: unknown };
  if (typeof code === 'number' && REFUSED_CLOSE_CODES.has(code)) {
    return new GatewayError('UNAUTHENTICATED', `the gateway at ${url} refused the subscription's credentials`, HINTS.UNAUTHENTICATED);
  }
  const why =
    typeof code === 'number' ? `closed with ${code}${reason ? ` ${String(reason)}` : ''}` : typeof message === 'string' ? message : messageOf(err);
  return new LifeboatError('DEPENDENCY_UNAVAILABLE', `the subscription at ${url} failed (${why})`);
}
