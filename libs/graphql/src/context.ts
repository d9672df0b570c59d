/** The context every subgraph resolver sees, and the role check behind `@Authorized`. */
import type { AuthChecker } from 'type-graphql';
import { LifeboatError } from '@lifeboat/errors';
import { type Identity, type Role, isRole, roleAtLeast } from './identity';

export interface SubgraphContext {
  identity: Identity;
  /** Correlates logs, events and jobs started by this request. */
  requestId: string;
}

/**
 * `@Authorized()` needs any identity; `@Authorized('OPERATOR')` needs that role or a higher one.
 * A missing identity is UNAUTHENTICATED; a role too low is FORBIDDEN.
 */
export const roleAuthChecker: AuthChecker<SubgraphContext, Role> = ({ context }, roles) => {
  if (!context?.identity) throw new LifeboatError('UNAUTHENTICATED', 'authentication required');
  if (roles.length === 0) return true;
  const required = roles.filter(isRole).reduce<Role>((min, r) => (roleAtLeast(min, r) ? r : min), 'ADMIN');
  if (roleAtLeast(context.identity.role, required)) return true;
  throw new LifeboatError('FORBIDDEN', `this operation needs the ${required} role; you have ${context.identity.role}`);
};
