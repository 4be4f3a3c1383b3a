import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { unauthenticated } from '../graphql/errors.js';
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

// Grants count only inside their window; the next edge of any window bounds how long the answer holds.
const grantsCte = sql`
  select ur.user_id, r.scopes, ur.starts_at, ur.expires_at
  from user_roles ur join roles r on r.id = ur.role_id`;

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
      const [row] = await this.database.rows<{ user_id: string }>(
        sql`select user_id::text from external_identities where issuer = ${verified.issuer} and subject = ${verified.subject}`,
      );
      if (!row) throw unauthenticated('No local account is linked to this identity');
      return this.loadUser(BigInt(row.user_id), null);
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
    const [row] = await this.database.rows<{
      status: string;
      session_ok: boolean;
      session_expires: string | null;
      scopes: string[] | null;
      next_edge: string | null;
    }>(sql`
      with g as (${grantsCte} where ur.user_id = ${userId})
      select u.status,
        ${sessionId === null ? sql`true` : sql`s.id is not null`} as session_ok,
        ${sessionId === null ? sql`null::text` : sql`s.expires_at::text`} as session_expires,
        (select array_agg(distinct sc) from g, unnest(g.scopes) sc
          where g.starts_at <= now() and (g.expires_at is null or g.expires_at > now())) as scopes,
        (select min(edge)::text from (
          select starts_at as edge from g where starts_at > now()
          union all select expires_at from g where expires_at > now()) e) as next_edge
      from users u
      ${
        sessionId === null
          ? sql``
          : sql`left join sessions s on s.id = ${sessionId}::uuid and s.user_id = u.id and s.revoked_at is null and s.expires_at > now()`
      }
      where u.id = ${userId}`);
    if (!row || !row.session_ok) throw unauthenticated('Session has ended');
    if (row.status !== 'ACTIVE') throw unauthenticated('Account is not active');
    const edges = [Date.now() + MAX_CACHE_AGE_MS];
    if (row.session_expires) edges.push(Date.parse(row.session_expires));
    if (row.next_edge) edges.push(Date.parse(row.next_edge));
    return {
      viewer: { userId, sessionId, scopes: new ScopeSet(row.scopes ?? []) },
      validUntil: Math.min(...edges),
    };
  }
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

