import { sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../db/client.js';
import { roles, userRoles } from '../modules/roles/table.js';
import { grantIsActive } from './standing.js';

/** The rank of CookieCMS level 2 ("HD skins") when the built-in premium role is missing. */
const PREMIUM_RANK = 5;

/**
 * Whether a user may own HD skins (textures larger than 64×64 / 64×32): CookieCMS gives
 * `profile.changeskinHD` at level 2 and every level above, so an active role ranked at least as high
 * as the built-in `premium` role (moderator, admin, superadmin and custom roles ranked so) qualifies.
 * Read inside the acting transaction, so a grant that just ended no longer counts.
 */
export async function mayHaveHdSkins(tx: Tx, userId: bigint): Promise<boolean> {
  const [row] = await queryRows<{ ok: boolean }>(
    tx,
    sql`select exists (select 1 from ${userRoles} join ${roles} on ${roles.id} = ${userRoles.roleId}
      where ${userRoles.userId} = ${userId}::bigint and ${grantIsActive}
        and ${roles.rank} >= coalesce((select r.rank from ${roles} r where r.built_in and r.name = 'premium'), ${PREMIUM_RANK})) as ok`,
  );
  return row?.ok === true;
}
