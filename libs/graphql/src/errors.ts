/**
 * The one mapping from Lifeboat error codes to GraphQL `extensions.code`. Domain code throws
 * LifeboatError; only this formatter turns errors into what clients see. Unexpected errors are
 * reported as INTERNAL without their message (which may hold internals), and logged in full.
 */
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ERROR_CODES, LifeboatError, isErrorCode } from '@lifeboat/errors';

const HTTP_STATUS: Partial<Record<string, number>> = { UNAUTHENTICATED: 401, FORBIDDEN: 403 };

/** The LifeboatError inside a GraphQL error (resolver errors arrive wrapped), if any. */
export function lifeboatErrorOf(error: unknown): LifeboatError | undefined {
  let e: unknown = error;
  for (let depth = 0; e && depth < 5; depth++) {
    if (e instanceof LifeboatError) return e;
    e = (e as { originalError?: unknown }).originalError;
  }
  return undefined;
}

export function formatError(formatted: GraphQLFormattedError, error: unknown, onInternal?: (err: unknown) => void): GraphQLFormattedError {
  const lifeboat = lifeboatErrorOf(error);
  if (lifeboat) {
    return {
      ...formatted,
      message: lifeboat.describe(),
      extensions: { code: lifeboat.code, ...(Object.keys(lifeboat.details).length ? { details: lifeboat.details } : {}) },
    };
  }
  const code = formatted.extensions?.code;
  if (code === 'UNAUTHORIZED') return { ...formatted, extensions: { ...formatted.extensions, code: 'FORBIDDEN' } };
  if (typeof code === 'string' && (isErrorCode(code) || KNOWN_GRAPHQL_CODES.has(code))) return formatted;
  onInternal?.(error);
  return { message: 'internal error', locations: formatted.locations, path: formatted.path, extensions: { code: 'INTERNAL' } };
}

/** Codes Apollo and graphql-js produce for malformed requests: passed through as they are. */
const KNOWN_GRAPHQL_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

/** A GraphQLError for places outside resolvers (context building) that must stop a request. */
export function toGraphQLError(err: LifeboatError): GraphQLError {
  return new GraphQLError(err.describe(), {
    originalError: err,
    extensions: { code: err.code, http: { status: HTTP_STATUS[err.code] ?? 400 } },
  });
}

export const ALL_CODES = Object.keys(ERROR_CODES);
