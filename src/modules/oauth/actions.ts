import { and, eq, lt } from 'drizzle-orm';
import { sha256 } from '../../access/tokens.js';
import { writeAudit } from '../../db/audit.js';
import type { Tx } from '../../db/client.js';
import type { ActionContext } from '../context.js';
import { oauthAuthorizationCodes } from './table.js';

export type AuthorizationCodeRow = typeof oauthAuthorizationCodes.$inferSelect;

export interface NewAuthorizationCode {
  code: string;
  applicationId: bigint;
  userId: bigint;
  redirectUri: string;
  scope: string[];
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  expiresAt: Date;
}

/**
 * Stores an authorization code the signed-in user granted (its hash only), audited as
 * `oauth.authorize` by the user; codes expired for a day are swept in the same transaction.
 */
export async function saveAuthorizationCode(ctx: ActionContext, code: NewAuthorizationCode): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    await tx.delete(oauthAuthorizationCodes).where(lt(oauthAuthorizationCodes.expiresAt, new Date(Date.now() - 86_400_000)));
    const { code: secret, ...rest } = code;
    await tx.insert(oauthAuthorizationCodes).values({ ...rest, codeHash: sha256(secret) });
    await writeAudit(tx, { ...ctx.actor, actorId: code.userId }, [
      {
        action: 'oauth.authorize',
        targetType: 'Application',
        targetId: code.applicationId.toString(),
        diff: { userId: code.userId.toString(), scope: code.scope, redirectUri: code.redirectUri, pkce: code.codeChallengeMethod },
      },
    ]);
  });
}

/** The stored code, or null (expired ones too: the token endpoint says which). */
export async function findAuthorizationCode(db: Tx, code: string): Promise<AuthorizationCodeRow | null> {
  const [row] = await db
    .select()
    .from(oauthAuthorizationCodes)
    .where(eq(oauthAuthorizationCodes.codeHash, sha256(code)));
  return row ?? null;
}

/** Consumes a code: true for the one request whose delete removed it (codes are single use). */
export async function consumeAuthorizationCode(db: Tx, code: string, applicationId: bigint): Promise<boolean> {
  const rows = await db
    .delete(oauthAuthorizationCodes)
    .where(and(eq(oauthAuthorizationCodes.codeHash, sha256(code)), eq(oauthAuthorizationCodes.applicationId, applicationId)))
    .returning({ codeHash: oauthAuthorizationCodes.codeHash });
  return rows.length === 1;
}
