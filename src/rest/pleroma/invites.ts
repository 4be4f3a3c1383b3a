import type { Hono } from 'hono';
import { z } from 'zod';
import { isStorableDate } from '../../db/values.js';
import { allNodes, mutationDocument, run, ShimError, type ShimDeps } from '../shim.js';
import { pleromaCaller } from './caller.js';
import { userNamed } from './lookup.js';
import { params } from './params.js';
import { expiryOfDate, PLEROMA_INVITE_FIELDS, presentInvite, type PleromaInviteSource } from './present.js';

const INVITE = `fragment PleromaInvite on Invite { ${PLEROMA_INVITE_FIELDS} }`;
const CREATE_INVITE = mutationDocument('createInvite', 'invite { ...PleromaInvite }', INVITE);
const REVOKE_INVITE = mutationDocument('revokeInvite', 'invite { ...PleromaInvite }', INVITE);
// Oldest first, as Pleroma lists them (admin-fe reverses the list to show the newest on top).
const LIST_INVITES = `query PleromaInvites($after: String) {
  invites(first: 100, after: $after, orderBy: CREATED_AT_ASC) { edges { node { ...PleromaInvite } } pageInfo { hasNextPage endCursor } }
} ${INVITE}`;
const EMAIL_INVITE = mutationDocument('createInvite', 'invite { code }');
const RESET_TOKEN = mutationDocument('createPasswordResetToken', 'result { token }');

/** `max_use` as a JSON number or a query-string integer. */
const maxUse = z.coerce.number('max_use must be a number').int().min(1, 'at least 1').max(1_000_000);
/** `expires_at` as Pleroma takes it: the last day the invite is valid, like 2019-04-07. */
const expiresAt = z.iso.date('a date like 2019-04-07').refine((d) => isStorableDate(expiryOfDate(d)), 'must be a date before 9999-12-31');
export const inviteOptions = z.object({ max_use: maxUse.optional(), expires_at: expiresAt.optional() });

export const inviteTokenQuery = z.object({ invite: inviteOptions.optional() });
export const emailInviteParams = z.object({ email: z.string().max(254), name: z.string().max(100).optional() });
export const revokeParams = z.object({ token: z.string().min(1).max(64) });

const createInput = (o: z.output<typeof inviteOptions>) => ({
  maxUses: o.max_use ?? 1,
  expiresAt: o.expires_at ? expiryOfDate(o.expires_at).toISOString() : undefined,
});

/** Registration invites, email invites and password reset tokens (registered on the Pleroma app before /users/:nickname). */
export function inviteRoutes(app: Hono, deps: ShimDeps) {
  // The 2019-05 form: `GET ?invite[max_use]=&invite[expires_at]=`, answering the token string.
  app.get('/users/invite_token', async (c) => {
    const ctx = await pleromaCaller(deps, c, 'write', 'read');
    const p = await params(c, inviteTokenQuery);
    const data = await run<{ createInvite: { invite: PleromaInviteSource } }>(ctx, CREATE_INVITE, { input: createInput(p.invite ?? {}) });
    return c.json(data.createInvite.invite.code);
  });

  // Pleroma 1.1's form (admin-fe from 2019-09): `POST {max_use, expires_at}`, answering the invite.
  app.post('/users/invite_token', async (c) => {
    const ctx = await pleromaCaller(deps, c, 'write', 'read');
    const p = await params(c, inviteOptions);
    const data = await run<{ createInvite: { invite: PleromaInviteSource } }>(ctx, CREATE_INVITE, { input: createInput(p) });
    return c.json(presentInvite(data.createInvite.invite));
  });

  app.get('/users/invites', async (c) => {
    const ctx = await pleromaCaller(deps, c, 'read');
    await params(c, z.object({}));
    const all = await allNodes<PleromaInviteSource>(ctx, LIST_INVITES, 'invites');
    return c.json({ invites: all.map(presentInvite) });
  });

  // admin-fe sends `email` and `name` in the query string, with no body.
  app.post('/users/email_invite', async (c) => {
    const ctx = await pleromaCaller(deps, c, 'write', 'read');
    const p = await params(c, emailInviteParams);
    await run(ctx, EMAIL_INVITE, { input: { email: p.email, name: p.name || undefined } });
    return c.body(null, 204);
  });

  app.post('/users/revoke_invite', async (c) => {
    const ctx = await pleromaCaller(deps, c, 'write', 'read');
    const p = await params(c, revokeParams);
    const data = await run<{ revokeInvite: { invite: PleromaInviteSource } }>(ctx, REVOKE_INVITE, {
      input: { code: p.token, reason: 'Pleroma admin API: revoke_invite' },
    });
    return c.json(presentInvite(data.revokeInvite.invite));
  });

  // Pleroma 1.1 answers `{token, link}`; the link opens the gateway's reset page (reset-page.ts).
  app.get('/users/:nickname/password_reset', async (c) => {
    const ctx = await pleromaCaller(deps, c, 'write', 'read');
    const p = await params(c, z.object({ nickname: z.string().min(1).max(320) }));
    const user = await userNamed(ctx, p.nickname);
    if (user.domain !== null) throw new ShimError('BAD_INPUT', 'Only local accounts have a password to reset');
    const data = await run<{ createPasswordResetToken: { result: { token: string } } }>(ctx, RESET_TOKEN, { input: { userId: user.id } });
    const token = data.createPasswordResetToken.result.token;
    return c.json({ token, link: `${ctx.config.mail.publicUrl}/api/pleroma/password_reset/${encodeURIComponent(token)}` });
  });
}
