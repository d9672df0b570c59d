/**
 * Two request rules of the gateway, as one Apollo plugin: every operation but `login` needs an
 * identity (checked once the operation is known), and every mutation is written to the audit log
 * with its outcome. Refusals are logged.
 */
import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import { GraphQLError, Kind, type FieldNode, type OperationDefinitionNode, valueFromASTUntyped } from 'graphql';
import type { Logger } from '@lifeboat/observability';
import type { GatewayContext } from './context';
import { redact } from './redact';
import type { AuditRepository } from './repositories/audit.repository';

const OPEN_FIELDS = new Set(['login', '__typename']);

function rootFields(operation: OperationDefinitionNode): FieldNode[] {
  return operation.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD);
}

export function gatewayRequestPlugin(audit: AuditRepository, logger: Logger): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operation }) {
          if (contextValue.identity || !operation) return;
          const fields = rootFields(operation);
          const open = operation.operation === 'mutation' && fields.length > 0 && fields.every((f) => OPEN_FIELDS.has(f.name.value));
          if (!open) {
            logger.warn({ remote: contextValue.remoteAddress, operation: operation.name?.value }, 'refused an operation without a token');
            throw new GraphQLError('authentication required: send `Authorization: Bearer <token>` (see the login mutation)', {
              extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
            });
          }
        },
        async didEncounterErrors({ errors, contextValue }) {
          for (const e of errors) {
            const code = e.extensions?.code;
            if (code === 'UNAUTHENTICATED' || code === 'FORBIDDEN' || code === 'QUERY_TOO_COMPLEX' || code === 'GRAPHQL_VALIDATION_FAILED') {
              logger.warn({ code, err: e.message, user: contextValue.identity?.email, remote: contextValue.remoteAddress }, 'request refused');
            }
          }
        },
        async willSendResponse(rc: GraphQLRequestContextWillSendResponse<GatewayContext>) {
          const operation = rc.operation;
          if (operation?.operation !== 'mutation') return;
          const variables = rc.request.variables ?? {};
          const fields = rootFields(operation);
          const args = Object.fromEntries(
            fields.map((f) => [
              f.alias?.value ?? f.name.value,
              Object.fromEntries((f.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value, variables)])),
            ]),
          );
          const body = rc.response.body;
          const errors = body.kind === 'single' ? (body.singleResult.errors ?? []) : [];
          const identity = rc.contextValue.identity;
          const attemptedEmail = (args.login as { email?: unknown } | undefined)?.email;
          try {
            await audit.append({
              actorId: identity?.id ?? null,
              actorEmail: identity?.email ?? (typeof attemptedEmail === 'string' ? attemptedEmail : null),
              actorKind: identity?.kind ?? 'anonymous',
              operationName: operation.name?.value ?? null,
              fields: fields.map((f) => f.name.value),
              arguments: redact(args) as Record<string, unknown>,
              outcome: errors.length ? 'error' : 'ok',
              errorCodes: [...new Set(errors.map((e) => String(e.extensions?.code ?? 'INTERNAL')))],
              requestId: rc.contextValue.requestId,
              remoteAddress: rc.contextValue.remoteAddress ?? null,
            });
          } catch (err) {
            logger.error({ err, fields: fields.map((f) => f.name.value) }, 'could not write the audit log');
          }
        },
      };
    },
  };
}
