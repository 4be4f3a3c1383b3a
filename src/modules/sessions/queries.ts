import { sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../../db/client.js';
import { effectiveScopesSql, nextGrantEdgeSql } from '../roles/queries.js';
import { effectiveStatus } from '../users/status.js';
import { externalIdentities, users } from '../users/table.js';
import { sessions } from './table.js';

export interface CallerState {
  status: string;
  /** False when a session was asked for and it is revoked, expired or someone else's. */
  sessionLive: boolean;
  sessionExpiresAt: string | null;
  /** Stored scopes of the roles and direct grants whose window is open now. */
  scopes: string[];
  /** The next moment a grant window opens or closes, after which the scopes change. */
  nextGrantEdge: string | null;
}

/** Everything a request's authorization needs of its caller, in one statement. */
export async function findCallerState(db: Tx, userId: bigint, sessionId: string | null): Promise<CallerState | null> {
  const sessionLive = sql`${sessions.id} = ${sessionId}::uuid and ${sessions.userId} = ${users.id} and ${sessions.revokedAt} is null and ${sessions.expiresAt} > now()`;
  const [row] = await queryRows<{ status: string; session_live: boolean; session_expires: string | null; scopes: string[] | null; next_edge: string | null }>(
    db,
    sql`
    select ${effectiveStatus} as status,
      ${sessionId === null ? sql`true` : sql`exists (select 1 from ${sessions} where ${sessionLive})`} as session_live,
      ${sessionId === null ? sql`null::text` : sql`(select ${sessions.expiresAt}::text from ${sessions} where ${sessionLive})`} as session_expires,
      ${effectiveScopesSql(sql`${users.id}`)} as scopes,
      ${nextGrantEdgeSql(sql`${users.id}`)} as next_edge
    from ${users} where ${users.id} = ${userId}`,
  );
  if (!row) return null;
  return {
    status: row.status,
    sessionLive: row.session_live,
    sessionExpiresAt: row.session_expires,
    scopes: row.scopes ?? [],
    nextGrantEdge: row.next_edge,
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
