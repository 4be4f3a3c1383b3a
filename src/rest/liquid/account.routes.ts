import type { Hono } from 'hono';
import { z } from 'zod';
import { encodeId } from '../../graphql/ids.js';
import { idText, mutationDocument, run, storableDate, type ShimDeps } from '../shim.js';
import { readBody, readParams } from './errors.js';
import { LIST_LIMITS, ok } from './present.js';

const VIEWER = 'query LiquidEditableFieldsCaller { viewer { id } }';
const TIERS = 'query LiquidSubscriptionTiers { subscriptionTiers { name isBaseTier } }';
const SET_SUBSCRIPTION = mutationDocument('setSubscription', 'user { id }');
const HISTORY = `query LiquidLoginHistory($id: ID!, $first: Int!, $filter: SessionFilter) {
  sessions(userId: $id, first: $first, filter: $filter, orderBy: CREATED_AT_DESC) {
    edges { node { key createdAt lastSeenAt expiresAt revokedAt active userAgent ip } }
  }
}`;

const target = idText('must be a user id');
/** An ISO 8601 date or date-time (express-validator's isISO8601), as a Date the gateway stores. */
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/, 'an ISO 8601 date')
  .transform((s) => new Date(s))
  .pipe(storableDate());
export const subscriptionBody = z.strictObject({
  target,
  state: z.boolean(),
  expiry: isoDate.optional(),
  tier: z.string().max(128).optional(),
});
export const historyQuery = z.object({
  target,
  limit: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .transform((n) => Math.min(n || LIST_LIMITS.default, LIST_LIMITS.max)),
  // Liquid: records created after this moment.
  offset: isoDate.optional(),
});

interface SessionSource {
  key: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  revokedAt: string | null;
  active: boolean;
  userAgent: string | null;
  ip: string | null;
}

/**
 * A Liquid login-history record from a session: every session began with a successful sign-in
 * (failed attempts are counted per address by the rate limits, not kept per account). Ended ones
 * are listed too, with when they ended.
 */
const presentRecord = (s: SessionSource, userId: string) => ({
  _id: s.key,
  targetId: userId,
  success: true,
  source: 'password',
  userAgent: s.userAgent,
  ipAddress: s.ip,
  createdAt: s.createdAt,
  updatedAt: s.lastSeenAt,
  active: s.active,
  endedAt: s.revokedAt ?? (s.active ? null : s.expiresAt),
});

/** More of /user/admin-api: editable fields, subscriptions, login history. */
export function accountRoutes(app: Hono, deps: ShimDeps) {
  app.get('/editable-fields', async (c) => {
    const ctx = await deps.contextFor(c);
    // Configuration, for any signed-in caller (the one operation checks the caller); PATCH /update
    // enforces both the list and the gateway's scopes.
    await run(ctx, VIEWER);
    return ok(c, { editableFields: ctx.config.liquid.editableFields });
  });

  app.get('/subscription-tiers', async (c) => {
    const ctx = await deps.contextFor(c);
    const data = await run<{ subscriptionTiers: { name: string; isBaseTier: boolean }[] }>(ctx, TIERS);
    return ok(c, { subscriptionTiers: data.subscriptionTiers });
  });

  app.post('/subscription', async (c) => {
    const ctx = await deps.contextFor(c);
    const body = await readBody(c, subscriptionBody);
    await run(ctx, SET_SUBSCRIPTION, {
      input: { userId: encodeId('User', body.target), tier: body.tier || null, active: body.state, expiresAt: body.expiry?.toISOString() ?? null },
    });
    return ok(c);
  });

  app.get('/login-history', async (c) => {
    const ctx = await deps.contextFor(c);
    const q = readParams(c, historyQuery);
    const filter = q.offset ? { createdAt: { gt: q.offset.toISOString() } } : null;
    const data = await run<{ sessions: { edges: { node: SessionSource }[] } }>(ctx, HISTORY, { id: encodeId('User', q.target), first: q.limit, filter });
    return ok(c, { records: data.sessions.edges.map((e) => presentRecord(e.node, q.target)) });
  });
}
