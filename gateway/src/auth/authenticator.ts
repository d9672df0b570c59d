/**
 * Turns credentials into an Identity: a password at login, then a login token (JWT) or an API
 * token on every request. The user (or the token's owner) is read fresh each time, so disabling
 * a user or revoking a token takes effect at once, and a role change on the next request.
 */
import { randomBytes } from 'node:crypto';
import { LifeboatError } from '@lifeboat/errors';
import { type Identity, type Role, roleAtLeast } from '@lifeboat/graphql';
import type { ApiTokenRepository } from '../repositories/api-token.repository';
import type { User } from '../repositories/user.entity';
import type { UserRepository } from '../repositories/user.repository';
import { hashPassword, verifyPassword } from './passwords';
import { API_TOKEN_PREFIX, issueLoginToken, parseApiToken, secretMatches, verifyLoginToken } from './tokens';

const INVALID_LOGIN = 'invalid email or password';
/** Recording every use of an API token would write on every request; once a minute is enough. */
const TOKEN_USE_RESOLUTION_MS = 60_000;

export class Authenticator {
  /** A hash of a random password nobody knows, verified against when the email is unknown. */
  readonly #dummyHash = hashPassword(randomBytes(16).toString('hex'));

  constructor(
    private readonly users: UserRepository,
    private readonly tokens: ApiTokenRepository,
    private readonly jwtSecret: string,
    private readonly ttlSeconds: number,
  ) {}

  async login(email: string, password: string): Promise<{ token: string; expiresAt: Date; user: User }> {
    const user = await this.users.byEmailWithHash(email);
    // Verify against a hash even when the user is unknown, so timing does not reveal which emails exist.
    const ok = await verifyPassword(password, user?.passwordHash ?? (await this.#dummyHash));
    if (!user || !ok || user.disabled) throw new LifeboatError('UNAUTHENTICATED', INVALID_LOGIN);
    await this.users.update(user.id, { lastLoginAt: new Date() });
    const { token, expiresAt } = issueLoginToken({ sub: user.id, email: user.email, role: user.role }, this.jwtSecret, this.ttlSeconds);
    return { token, expiresAt, user };
  }

  /** The identity of an `Authorization` header value; undefined when there is none; UNAUTHENTICATED when it is not valid. */
  async authenticate(authorization: string | undefined): Promise<Identity | undefined> {
    if (!authorization) return undefined;
    const m = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!m) throw new LifeboatError('UNAUTHENTICATED', 'the Authorization header must be "Bearer <token>"');
    const token = m[1];
    return token.startsWith(API_TOKEN_PREFIX) ? this.#apiToken(token) : this.#loginToken(token);
  }

  async #loginToken(token: string): Promise<Identity> {
    const claims = verifyLoginToken(token, this.jwtSecret);
    const user = await this.users.byId(claims.sub);
    if (!user || user.disabled) throw new LifeboatError('UNAUTHENTICATED', 'the user no longer exists or is disabled');
    return { id: user.id, email: user.email, role: user.role, kind: 'user' };
  }

  async #apiToken(text: string): Promise<Identity> {
    const parsed = parseApiToken(text);
    const token = parsed ? await this.tokens.byIdWithHash(parsed.id) : null;
    if (!parsed || !token || !secretMatches(parsed.secret, token.secretHash)) throw new LifeboatError('UNAUTHENTICATED', 'the API token is invalid');
    const now = new Date();
    if (token.revokedAt) throw new LifeboatError('UNAUTHENTICATED', 'the API token was revoked');
    if (token.expiresAt && token.expiresAt <= now) throw new LifeboatError('UNAUTHENTICATED', 'the API token has expired');
    const owner = await this.users.byId(token.ownerId);
    if (!owner || owner.disabled) throw new LifeboatError('UNAUTHENTICATED', "the API token's owner no longer exists or is disabled");
    if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > TOKEN_USE_RESOLUTION_MS) await this.tokens.markUsed(token.id, now);
    // A token never carries more than its owner has now.
    const role: Role = roleAtLeast(owner.role, token.role) ? token.role : owner.role;
    return { id: token.id, email: owner.email, role, kind: 'token' };
  }
}
