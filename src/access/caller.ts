import { sql } from 'drizzle-orm';
import type { Database, Db, Tx } from '../db/client.js';
import { Params, runPrepared } from '../db/prepared.js';
import { externalIdentities, users } from '../modules/users/table.js';
import { effectiveScopesSql } from './standing.js';
import { effectiveStatus } from './status.js';
import { AppError, fromDbError, unauthenticated } from '../core/errors.js';
import { ScopeSet } from './scopes.js';
import { TokenError, tokenFromHeader, type Tokens } from './tokens.js';

/** Who is calling: resolved per request from the token, the session row and the user's grants. */
export interface Viewer {
  userId: bigint;
  /** The account's name and domain (null when local), for "self" rules that name an account. */
  username: string;
  domain: string | null;
  sessionId: string | null;
  /** The user's effective scopes, narrowed by the token's OAuth scopes. */
  scopes: ScopeSet;
  /** OAuth scopes of the token's session (`read`, `write`, ...); null: not narrowed (GraphQL login, CLI). */
  tokenScopes: readonly string[] | null;
}

/**
 * Whether the caller's token carries OAuth scope `scope` (a token that is not narrowed carries
 * both), for shims that must answer a legacy error such as Pleroma's `Insufficient permissions: write.`
 */
export function viewerMay(viewer: Viewer, scope: 'read' | 'write'): boolean {
  return viewer.tokenScopes === null || viewer.tokenScopes.includes(scope);
}

/**
 * Resolves `Authorization` headers to viewers. The caller's state (session live, account status,
 * effective scopes) is read on every request in one prepared statement, so a
 * revoked session, a suspension or a removed role counts on the very next request on every
 * instance: there is no cache whose invalidation could arrive late.
 */
export class AuthService {
  constructor(
    private readonly database: Database,
    private readonly tokens: Tokens,
  ) {}

  /**
   * The caller of a request, read on `db` (the pool its operation runs on: sign-in and viewer on the
   * reserved share, so heavy reads cannot keep anyone from signing in). Bad credentials leave the
   * viewer empty and say why on protected fields; a database that cannot be reached throws
   * UNAVAILABLE, failing the whole request.
   */
  async callerOf(header: string | null | undefined, db: Db = this.database.reserved): Promise<{ viewer: Viewer | null; authError: AppError | null }> {
    try {
      return { viewer: await this.fromHeader(header, db), authError: null };
    } catch (error) {
      const known = error instanceof AppError ? error : fromDbError(error);
      if (!known || known.code === 'UNAVAILABLE') throw known ?? error;
      return { viewer: null, authError: known };
    }
  }

  /** Null when no credentials were sent; throws UNAUTHENTICATED when they are not valid now. */
  async fromHeader(header: string | null | undefined, db: Db = this.database.reserved): Promise<Viewer | null> {
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
      return this.load(db, verified.userId, verified.sessionId);
    }
    const linked = await findLinkedUser(db, verified.issuer, verified.subject);
    if (linked === null) throw unauthenticated('No local account is linked to this identity');
    return this.load(db, linked, null);
  }

  private async load(db: Db, userId: bigint, sessionId: string | null): Promise<Viewer> {
    const state = await findCallerState(db, userId, sessionId);
    if (!state?.sessionLive) throw unauthenticated('Session has ended');
    if (state.status !== 'ACTIVE') throw unauthenticated('Account is not active');
    return {
      userId,
      username: state.username,
      domain: state.domain,
      sessionId,
      scopes: new ScopeSet(state.scopes, state.tokenScopes),
      tokenScopes: state.tokenScopes,
    };
  }
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

export interface CallerState {
  status: string;
  username: string;
  domain: string | null;
  /** False when a session was asked for and it is revoked, expired or someone else's. */
  sessionLive: boolean;
  /** Stored scopes of the roles and direct grants whose window is open now. */
  scopes: string[];
  /** The session's OAuth scopes (null: not narrowed, or no session). */
  tokenScopes: string[] | null;
}

/**
 * Everything a request's authorization needs of its caller, in one prepared statement run on every
 * request: revocation, suspension and grant windows are read as they stand now.
 */
export async function findCallerState(db: Tx, userId: bigint, sessionId: string | null): Promise<CallerState | null> {
  const p = new Params();
  const user = sql`${p.add(userId.toString())}::bigint`;
  const session = sessionId === null ? null : sql`${p.add(sessionId)}::uuid`;
  const [row] = await runPrepared(
    db,
    session ? 'caller:session' : 'caller:identity',
    p,
    () =>
      db
        .select({
          status: sql<string>`${effectiveStatus}`,
          username: sql<string>`"users"."username"`,
          domain: sql<string | null>`"users"."domain"`,
          sessionLive: session
            ? // Spelled out: Drizzle drops table names from a single-table select's columns, which inside
              // a subquery would bind to the sessions table.
              sql<boolean>`exists (select 1 from sessions s where s.id = ${session} and s.user_id = "users"."id" and s.revoked_at is null and s.expires_at > now())`
            : sql<boolean>`true`,
          tokenScopes: session
            ? sql<string[] | null>`(select s.token_scopes from sessions s where s.id = ${session} and s.user_id = "users"."id")`
            : sql<string[] | null>`null::text[]`,
          scopes: sql<string[] | null>`${effectiveScopesSql(sql.raw('"users"."id"'))}`,
        })
        .from(users)
        .where(sql`${users.id} = ${user}`),
    { name: session ? 'caller_state' : 'caller_state_identity', plan: 'reuse' },
  );
  if (!row) return null;
  return {
    status: row.status,
    username: row.username,
    domain: row.domain,
    sessionLive: row.sessionLive,
    scopes: row.scopes ?? [],
    tokenScopes: row.tokenScopes,
  };
}

/** The local user an identity provider's (issuer, subject) is linked to. */
export async function findLinkedUser(db: Tx, issuer: string, subject: string): Promise<bigint | null> {
  const [row] = await db
    .select({ userId: externalIdentities.userId })
    .from(externalIdentities)
    .where(sql`${externalIdentities.issuer} = ${issuer} and ${externalIdentities.subject} = ${subject}`);
  return row?.userId ?? null;
}
