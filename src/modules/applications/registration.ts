import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { reserveAttempt } from '../../access/limits.js';
import { addressKey } from '../../access/sign-in.js';
import { sha256 } from '../../access/tokens.js';
import { parseInput } from '../../core/errors.js';
import { diffOf, writeAudit } from '../../db/audit.js';
import type { ActionContext } from '../context.js';
import type { WithSecret } from './actions.js';
import { findApplication, type ApplicationRow } from './queries.js';
import { applications } from './table.js';
import { type GRANTS, oauthScope, redirectUri } from './validation.js';

/** Registrations from one client address (IPv6 by /64) per hour: admin-fe registers an app on every sign-in. */
export const REGISTRATION_LIMIT = { max: 30, windowSeconds: 3600 };

export const registerApplicationSchema = z.object({
  clientName: z.string().trim().min(1).max(200),
  redirectUris: z.array(redirectUri).min(1).max(20),
  /** Mastodon's default when a client names none. */
  scopes: z
    .array(oauthScope)
    .max(20)
    .transform((s) => [...new Set(s)])
    .default(['read']),
  website: z.url().max(2048).nullable().default(null),
});

const view = (a: Pick<ApplicationRow, 'clientId' | 'displayName' | 'grants' | 'redirectUris' | 'role' | 'scopes' | 'clientType' | 'oauthScopes'>) => ({
  clientId: a.clientId,
  clientType: a.clientType,
  displayName: a.displayName,
  grants: a.grants,
  oauthScopes: a.oauthScopes,
  redirectUris: a.redirectUris,
  role: a.role,
  scopes: a.scopes,
});

/**
 * Public client registration (Mastodon's POST /api/v1/apps): anyone may register, limited per
 * client address; the application is EXTERNAL and confidential, holds no gateway scope (its tokens
 * act as the user who signs in, narrowed by `scopes`), with grants password, authorization_code and
 * refresh_token, and password-grant tokens of legacy lifetime (such clients never refresh).
 * Its client id and secret are generated; the secret is answered once.
 */
export async function registerApplication(ctx: ActionContext, input: z.input<typeof registerApplicationSchema>, ip: string | null): Promise<WithSecret> {
  const data = parseInput(registerApplicationSchema, input);
  await reserveAttempt(ctx.db, `apps:${addressKey(ip)}`, REGISTRATION_LIMIT);
  const clientSecret = randomBytes(32).toString('base64url');
  const values = {
    clientId: randomBytes(24).toString('base64url'),
    displayName: data.clientName,
    grants: ['password', 'authorization_code', 'refresh_token'],
    redirectUris: data.redirectUris,
    role: 'EXTERNAL' as const,
    clientType: 'CONFIDENTIAL' as const,
    scopes: [],
    oauthScopes: data.scopes,
    legacyTokens: true,
  };
  const application = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(applications)
      .values({ ...values, secretHash: sha256(clientSecret), createdBy: null })
      .returning({ id: applications.id });
    await writeAudit(tx, ctx.actor, [
      {
        action: 'application.register',
        targetType: 'Application',
        targetId: row.id.toString(),
        diff: { ...diffOf(null, view(values)), website: data.website, ip },
      },
    ]);
    return (await findApplication(tx, row.id))!;
  });
  return { application, clientSecret };
}

export interface KeptApplication {
  clientId: string;
  displayName: string;
  clientType: 'CONFIDENTIAL' | 'PUBLIC';
  role: 'INTERNAL' | 'EXTERNAL';
  grants: (typeof GRANTS)[number][];
  redirectUris: string[];
}

/**
 * Makes sure an application the configuration names exists as configured (at start): created when
 * missing, its type, role, grants and redirect URIs set back when they differ (a public client's
 * secret is dropped). Audited; a second instance starting at once changes nothing.
 */
export async function ensureApplication(ctx: ActionContext, spec: KeptApplication): Promise<ApplicationRow> {
  return ctx.db.transaction(async (tx) => {
    const inserted = await tx
      .insert(applications)
      .values({ ...spec, scopes: [], secretHash: null, createdBy: ctx.actor.actorId })
      .onConflictDoNothing()
      .returning({ id: applications.id });
    if (inserted.length) {
      await writeAudit(tx, ctx.actor, [
        {
          action: 'application.create',
          targetType: 'Application',
          targetId: inserted[0].id.toString(),
          diff: diffOf(null, view({ ...spec, scopes: [], oauthScopes: ['read', 'write'] })),
        },
      ]);
      return (await findApplication(tx, inserted[0].id))!;
    }
    const [row] = await tx.select().from(applications).where(eq(applications.clientId, spec.clientId)).for('update');
    const { secretHash: _s, ...before } = row;
    const after = { ...before, ...spec };
    const diff = diffOf(view(before), view(after));
    if (Object.keys(diff).length) {
      await tx
        .update(applications)
        .set({ ...spec, ...(spec.clientType === 'PUBLIC' ? { secretHash: null } : {}), updatedAt: new Date() })
        .where(eq(applications.id, row.id));
      await writeAudit(tx, ctx.actor, [{ action: 'application.update', targetType: 'Application', targetId: row.id.toString(), diff }]);
    }
    return (await findApplication(tx, row.id))!;
  });
}
