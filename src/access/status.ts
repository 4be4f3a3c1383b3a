import { sql } from 'drizzle-orm';
import { users } from '../modules/users/table.js';

/**
 * The status that counts now: a suspension with an end time lapses by itself when the time passes,
 * so no job has to lift it. Every read of `status` (API, filters, sign-in) goes through this.
 */
export const effectiveStatus = sql<string>`(case when ${users.status} = 'SUSPENDED' and ${users.bannedUntil} <= now() then 'ACTIVE' else ${users.status}::text end)`;

/** How an account is named in messages: `name`, or `name@domain` for a remote one. */
export const accountName = sql<string>`${users.username} || coalesce('@' || ${users.domain}, '')`;
