import type { Database } from '../db/client.js';
import { unauthenticated } from '../graphql/errors.js';
import { findCallerState, findLinkedUser } from '../modules/sessions/queries.js';
import { ScopeSet } from './scopes.js';
import { TokenError, tokenFromHeader, type Tokens } from './tokens.js';

/** Who is calling: resolved per request from the token, the session row and the user's grants. */
export interface Viewer {
  userId: bigint;
  sessionId: string | null;
  scopes: ScopeSet;
}

/**
 * Resolves `Authorization` headers to viewers. The caller's state (session live, account status,
 * effective scopes) is read on every request in one prepared statement on the reserved pool, so a
 * revoked session, a suspension or a removed role counts on the very next request on every
 * instance: there is no cache whose invalidation could arrive late.
 */
export class AuthService {
  constructor(
    private readonly database: Database,
    private readonly tokens: Tokens,
  ) {}

  /** Null when no credentials were sent; throws UNAUTHENTICATED when they are not valid now. */
  async fromHeader(header: string | null | undefined): Promise<Viewer | null> {
    const token = tokenFromHeader(header);
    if (!token) return null;
    let verified: Awaited<ReturnType<Tokens['verify']>>;
    try {
      verified = await this.tokens.verify(token);
    } catch (error) {
      if (error instanceof TokenError) throw unauthenticated('Invalid or expired token');
      throw error;
    }
    if (verified.kind === 'local') {
      // Every token the gateway signs belongs to a session, so revocation always applies.
      if (!verified.sessionId || !isUuid(verified.sessionId)) throw unauthenticated('Invalid or expired token');
      return this.load(verified.userId, verified.sessionId);
    }
    const linked = await findLinkedUser(this.database.reserved, verified.issuer, verified.subject);
    if (linked === null) throw unauthenticated('No local account is linked to this identity');
    return this.load(linked, null);
  }

  private async load(userId: bigint, sessionId: string | null): Promise<Viewer> {
    const state = await findCallerState(this.database.reserved, userId, sessionId);
    if (!state || !state.sessionLive) throw unauthenticated('Session has ended');
    if (state.status !== 'ACTIVE') throw unauthenticated('Account is not active');
    return { userId, sessionId, scopes: new ScopeSet(state.scopes) };
  }
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
