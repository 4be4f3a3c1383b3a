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

interface CachedViewer {
  viewer: Viewer;
  /** Epoch ms after which the entry must be re-read (session expiry, a grant window's edge). */
  validUntil: number;
}

const MAX_CACHE_AGE_MS = 60_000;
const MAX_CACHE_ENTRIES = 50_000;

/**
 * Resolves `Authorization` headers to viewers. Answers are cached per session (or external identity)
 * and dropped on PostgreSQL NOTIFY from the triggers on sessions, users, roles and grants, so a
 * logout, a ban or a removed role counts on the next request, on every instance.
 */
export class AuthService {
  private readonly cache = new Map<string, CachedViewer>();
  private unlisten?: () => Promise<void>;

  constructor(
    private readonly database: Database,
    private readonly tokens: Tokens,
  ) {}

  async start(): Promise<void> {
    this.unlisten = await this.database.listen(
      'gateway_auth',
      (payload) => this.forget(payload),
      () => this.cache.clear(),
    );
  }

  async stop(): Promise<void> {
    await this.unlisten?.();
  }

  /** `session:<id>` forgets one session; anything else forgets everything. */
  forget(payload: string): void {
    if (payload.startsWith('session:')) this.cache.delete(payload);
    else this.cache.clear();
  }

  /** Null when no credentials were sent; throws UNAUTHENTICATED when they are not valid now. */
  async fromHeader(header: string | null | undefined): Promise<Viewer | null> {
    const token = tokenFromHeader(header);
    if (!token) return null;
    let verified;
    try {
      verified = await this.tokens.verify(token);
    } catch (error) {
      if (error instanceof TokenError) throw unauthenticated('Invalid or expired token');
      throw error;
    }
    if (verified.kind === 'local') {
      const sessionId = verified.sessionId;
      // Every token the gateway signs belongs to a session, so revocation always applies.
      if (!sessionId || !isUuid(sessionId)) throw unauthenticated('Invalid or expired token');
      return this.cached(`session:${sessionId}`, () => this.loadUser(verified.userId, sessionId));
    }
    return this.cached(`external:${verified.issuer}\n${verified.subject}`, async () => {
      const linked = await findLinkedUser(this.database.db, verified.issuer, verified.subject);
      if (linked === null) throw unauthenticated('No local account is linked to this identity');
      return this.loadUser(linked, null);
    });
  }

  private async cached(key: string, load: () => Promise<CachedViewer>): Promise<Viewer> {
    const hit = this.cache.get(key);
    if (hit && hit.validUntil > Date.now()) return hit.viewer;
    const entry = await load();
    if (this.cache.size >= MAX_CACHE_ENTRIES) this.cache.clear();
    this.cache.set(key, entry);
    return entry.viewer;
  }

  private async loadUser(userId: bigint, sessionId: string | null): Promise<CachedViewer> {
    const state = await findCallerState(this.database.db, userId, sessionId);
    if (!state || !state.sessionLive) throw unauthenticated('Session has ended');
    if (state.status !== 'ACTIVE') throw unauthenticated('Account is not active');
    const edges = [Date.now() + MAX_CACHE_AGE_MS];
    if (state.sessionExpiresAt) edges.push(Date.parse(state.sessionExpiresAt));
    if (state.nextGrantEdge) edges.push(Date.parse(state.nextGrantEdge));
    return {
      viewer: { userId, sessionId, scopes: new ScopeSet(state.scopes) },
      validUntil: Math.min(...edges),
    };
  }
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

