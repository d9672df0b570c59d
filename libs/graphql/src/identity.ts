/**
 * Who is calling, as the gateway established it, and how it travels to subgraphs: a header
 * signed with the internal secret, so that a subgraph can refuse any request that did not come
 * through the gateway (or was altered on the way).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { LifeboatError } from '@lifeboat/errors';

export const ROLES = ['VIEWER', 'OPERATOR', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

export interface Identity {
  /** User id, or the API token's id for automation. */
  id: string;
  /** The user's email, or the token's owner email. */
  email: string;
  role: Role;
  kind: 'user' | 'token';
}

export const IDENTITY_HEADER = 'x-lifeboat-identity';
export const SIGNATURE_HEADER = 'x-lifeboat-signature';

/** How long a signed identity stays valid: covers clock skew between gateway and subgraph. */
const MAX_AGE_MS = 60_000;

export function roleAtLeast(role: Role, required: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(required);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function signIdentity(identity: Identity, secret: string, now = Date.now()): Record<string, string> {
  const payload = Buffer.from(JSON.stringify({ ...identity, iat: now })).toString('base64url');
  return { [IDENTITY_HEADER]: payload, [SIGNATURE_HEADER]: hmac(secret, payload) };
}

/** The identity carried by signed headers; UNAUTHENTICATED when absent, forged, altered or stale. */
export function verifyIdentity(
  headers: Record<string, string | string[] | undefined>,
  secret: string,
  now = Date.now(),
): Identity {
  const payload = first(headers[IDENTITY_HEADER]);
  const signature = first(headers[SIGNATURE_HEADER]);
  if (!payload || !signature) {
    throw new LifeboatError('UNAUTHENTICATED', 'requests must come through the gateway');
  }
  const expected = Buffer.from(hmac(secret, payload), 'hex');
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new LifeboatError('UNAUTHENTICATED', 'identity signature is invalid');
  }
  let parsed: Identity & { iat: number };
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw new LifeboatError('UNAUTHENTICATED', 'identity header is malformed');
  }
  if (typeof parsed.iat !== 'number' || Math.abs(now - parsed.iat) > MAX_AGE_MS) {
    throw new LifeboatError('UNAUTHENTICATED', 'identity header has expired');
  }
  if (!isRole(parsed.role) || typeof parsed.id !== 'string' || typeof parsed.email !== 'string') {
    throw new LifeboatError('UNAUTHENTICATED', 'identity header is malformed');
  }
  return { id: parsed.id, email: parsed.email, role: parsed.role, kind: parsed.kind === 'token' ? 'token' : 'user' };
}

function hmac(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
