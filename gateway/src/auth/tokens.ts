/**
 * Credentials the gateway hands out: login tokens (JWT, HS256, expiring) and API tokens for
 * automation (`lbt_<id>_<secret>`, of which only a SHA-256 of the secret is stored).
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { LifeboatError } from '@lifeboat/errors';
import { type Role, isRole } from '@lifeboat/graphql';

const ISSUER = 'lifeboat';

export interface LoginClaims {
  sub: string;
  email: string;
  role: Role;
}

export function issueLoginToken(claims: LoginClaims, secret: string, ttlSeconds: number): { token: string; expiresAt: Date } {
  const token = jwt.sign({ email: claims.email, role: claims.role }, secret, {
    algorithm: 'HS256',
    subject: claims.sub,
    issuer: ISSUER,
    expiresIn: ttlSeconds,
    jwtid: randomUUID(),
  });
  return { token, expiresAt: new Date(Date.now() + ttlSeconds * 1000) };
}

export function verifyLoginToken(token: string, secret: string): LoginClaims {
  try {
    const payload = jwt.verify(token, secret, { algorithms: ['HS256'], issuer: ISSUER }) as jwt.JwtPayload;
    if (typeof payload.sub !== 'string' || typeof payload.email !== 'string' || !isRole(payload.role)) {
      throw new Error('claims missing');
    }
    return { sub: payload.sub, email: payload.email, role: payload.role };
  } catch (err) {
    const expired = err instanceof jwt.TokenExpiredError;
    throw new LifeboatError('UNAUTHENTICATED', expired ? 'the token has expired; log in again' : 'the token is invalid');
  }
}

export const API_TOKEN_PREFIX = 'lbt_';

export interface NewApiToken {
  id: string;
  token: string;
  secretHash: string;
}

export function newApiToken(): NewApiToken {
  const id = randomUUID();
  const secret = randomBytes(32).toString('base64url');
  return { id, token: `${API_TOKEN_PREFIX}${id.replace(/-/g, '')}_${secret}`, secretHash: sha256(secret) };
}

/** The id and secret of an API token's text, or undefined when it is not one. */
export function parseApiToken(token: string): { id: string; secret: string } | undefined {
  const m = /^lbt_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return undefined;
  const hex = m[1];
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { id, secret: m[2] };
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(sha256(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
