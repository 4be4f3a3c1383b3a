import { sql } from 'drizzle-orm';
import { bigintArray } from '../../db/arrays.js';
import { queryRows, type Tx } from '../../db/client.js';
import { isoUtc, jsonObject } from '../../db/json.js';
import { registerUserField } from '../users/extensions.js';
import { users } from '../users/table.js';
import { subscriptions } from './table.js';

/** A subscription as the API sees it (JSON built by PostgreSQL). */
export interface SubscriptionJson {
  userId: string;
  tier: string | null;
  active: boolean;
  expiresAt: string | null;
  activatedAt: string;
  updatedAt: string;
}

const subscriptionJson = jsonObject([
  ['userId', sql`${subscriptions.userId}::text`],
  ['tier', sql`${subscriptions.tier}`],
  ['active', sql`${subscriptions.active}`],
  ['expiresAt', isoUtc(subscriptions.expiresAt)],
  ['activatedAt', isoUtc(subscriptions.activatedAt)],
  ['updatedAt', isoUtc(subscriptions.updatedAt)],
]);

/** Whether a subscription counts now: switched on, a tier other than the base tier, and not past its end. */
export function isSubscribed(s: Pick<SubscriptionJson, 'tier' | 'active' | 'expiresAt'> | null, baseTier: string, now = new Date()): boolean {
  return !!s && s.active && !!s.tier && s.tier !== baseTier && (s.expiresAt === null || new Date(s.expiresAt) > now);
}

/** The subscriptions of many users in one statement. */
async function subscriptionsOfUsers(db: Tx, ids: readonly string[]): Promise<Map<string, SubscriptionJson>> {
  const rows = await queryRows<{ userId: string; subscription: SubscriptionJson }>(
    db,
    sql`select ${subscriptions.userId}::text as "userId", ${subscriptionJson} as subscription from ${subscriptions}
        where ${subscriptions.userId} = any(${bigintArray(ids.map(BigInt))})`,
  );
  return new Map(rows.map((r) => [r.userId, r.subscription]));
}

// User.subscription (schema.ts): a page of users reads it in its own statement through the projection.
registerUserField('subscription', {
  all: ['tier', 'active', 'expiresAt', 'activatedAt', 'updatedAt', 'isSubscribed'],
  empty: () => null,
  project: () => sql`(select ${subscriptionJson} from ${subscriptions} where ${subscriptions.userId} = ${users.id})`,
  load: (db, ids) => subscriptionsOfUsers(db, ids),
});
