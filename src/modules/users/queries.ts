import { and, eq, sql, type SQL } from 'drizzle-orm';
import { BadInputError } from '../../core/errors.js';
import { bigintArray } from '../../db/arrays.js';
import { Params, runPrepared } from '../../db/prepared.js';
import { queryRows, type Tx } from '../../db/client.js';
import { isoUtc, jsonObject } from '../../db/json.js';
import { roles, userRoles } from '../roles/table.js';
import { effectiveStatus } from '../../access/status.js';
import { users } from './table.js';
import { grantIsActive, userHoldsScope } from '../../access/standing.js';
import { allUserFields, loadUserFields } from './extensions.js';

export const USER_STATUSES = ['ACTIVE', 'DEACTIVATED', 'SUSPENDED', 'DELETED'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/**
 * A user as the API sees it: JSON built by PostgreSQL, keyed by GraphQL field name. Only the fields
 * a request selected are present; timestamps arrive as ISO strings.
 */
export interface UserJson {
  id: string;
  username: string;
  discriminator: string;
  domain: string | null;
  isLocal: boolean;
  email: string | null;
  displayName: string | null;
  firstName: string | null;
  middleName: string | null;
  lastName: string | null;
  phone: string | null;
  countryCode: string | null;
  organization: string | null;
  designation: string | null;
  gender: string | null;
  preferredLanguage: string | null;
  customLink: string | null;
  emailVerified: boolean;
  bio: string | null;
  pronouns: string | null;
  avatarHash: string | null;
  flags: number;
  isStaff: boolean;
  status: UserStatus;
  verified: boolean;
  verifiedAt: string | null;
  restricted: boolean;
  restrictedAt: string | null;
  banned: boolean;
  bannedAt: string | null;
  bannedUntil: string | null;
  credits: number;
  tags: string[];
  customData: Record<string, unknown>;
  shortId: string;
  timezone: string | null;
  deletedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

const col = (c: unknown) => sql`${c}`;

/** What each User field is in SQL; the JSON key is the GraphQL field name. */
const userFieldSql: Record<string, SQL> = {
  id: sql`${users.id}::text`,
  username: col(users.username),
  discriminator: col(users.discriminator),
  domain: col(users.domain),
  isLocal: sql`${users.domain} is null`,
  email: col(users.email),
  displayName: col(users.displayName),
  firstName: col(users.firstName),
  middleName: col(users.middleName),
  lastName: col(users.lastName),
  phone: col(users.phone),
  countryCode: col(users.countryCode),
  organization: col(users.organization),
  designation: col(users.designation),
  gender: col(users.gender),
  preferredLanguage: col(users.preferredLanguage),
  customLink: col(users.customLink),
  emailVerified: col(users.emailVerified),
  bio: col(users.bio),
  pronouns: col(users.pronouns),
  avatarHash: col(users.avatarHash),
  flags: col(users.flags),
  status: effectiveStatus,
  verified: sql`${users.verifiedAt} is not null`,
  verifiedAt: isoUtc(users.verifiedAt),
  restricted: sql`${users.restrictedAt} is not null`,
  restrictedAt: isoUtc(users.restrictedAt),
  banned: sql`${users.bannedAt} is not null and (${users.bannedUntil} is null or ${users.bannedUntil} > now())`,
  bannedAt: isoUtc(users.bannedAt),
  bannedUntil: isoUtc(users.bannedUntil),
  credits: col(users.credits),
  tags: col(users.tags),
  customData: col(users.customData),
  shortId: col(users.shortId),
  timezone: col(users.timezone),
  deletedAt: isoUtc(users.deletedAt),
  createdAt: isoUtc(users.createdAt),
  updatedAt: isoUtc(users.updatedAt),
  isStaff: userHoldsScope(sql`${users.id}`, 'admin:users:read'),
};

export const USER_SCALAR_FIELDS = Object.keys(userFieldSql);

/**
 * Which fields to build: User field names, and for each field another module registered (see
 * extensions.ts) its selected child field names.
 */
export interface UserShape {
  fields: readonly string[];
  nested?: Readonly<Record<string, readonly string[]>>;
}

/** Every field, registered ones included: the user an action answers with. */
export const fullUserShape = (): UserShape => ({ fields: USER_SCALAR_FIELDS, nested: allUserFields() });

export function userJsonSql(shape: UserShape, extra: [string, SQL][] = [], typename: SQL = sql.raw(`'User'`)): SQL {
  const entries: [string, SQL][] = [
    ['__typename', typename],
    ['id', userFieldSql.id],
  ];
  for (const f of shape.fields) if (f !== 'id' && userFieldSql[f]) entries.push([f, userFieldSql[f]]);
  return jsonObject([...entries, ...extra]);
}

/** A local user (domain null) or a remote one, by username ignoring case. */
export async function findUserByUsername(db: Tx, username: string, domain: string | null, shape: UserShape): Promise<UserJson | null> {
  const [row] = await db
    .select({ user: sql<UserJson>`${userJsonSql(shape)}` })
    .from(users)
    .where(and(sql`lower(${users.username}) = lower(${username})`, domain ? eq(users.domain, domain.toLowerCase()) : sql`${users.domain} is null`));
  if (!row) return null;
  await loadUserFields(db, [row.user], shape.nested);
  return row.user;
}

export async function findUserById(db: Tx, id: bigint, shape: UserShape = fullUserShape()): Promise<UserJson | null> {
  const p = new Params();
  const where = sql`${users.id} = ${p.add(id)}`;
  const [row] = await runPrepared(
    db,
    `byId:${JSON.stringify(shape.fields)}`,
    p,
    () =>
      db
        .select({ user: sql<UserJson>`${userJsonSql(shape)}` })
        .from(users)
        .where(where),
    { name: 'user_by_id', plan: 'reuse' },
  );
  if (!row) return null;
  await loadUserFields(db, [row.user], shape.nested);
  return row.user;
}

/** Many users in the order of `ids` (one statement). */
export async function findUsersByIds(db: Tx, ids: readonly bigint[], shape: UserShape = fullUserShape()): Promise<UserJson[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select({ id: sql<string>`${users.id}::text`, user: sql<UserJson>`${userJsonSql(shape)}` })
    .from(users)
    .where(sql`${users.id} = any(${bigintArray(ids)})`);
  await loadUserFields(
    db,
    rows.map((r) => r.user),
    shape.nested,
  );
  const byId = new Map(rows.map((r) => [r.id, r.user]));
  return ids.flatMap((id) => byId.get(id.toString()) ?? []);
}

/** True when some active user holds a role granting the `admin` scope. */
export async function hasAdministrator(db: Tx): Promise<boolean> {
  const rows = await db
    .select({ one: sql`1` })
    .from(userRoles)
    .innerJoin(roles, eq(roles.id, userRoles.roleId))
    .innerJoin(users, eq(users.id, userRoles.userId))
    .where(and(sql`${effectiveStatus} = 'ACTIVE'`, sql`'admin' = any(${roles.scopes})`, grantIsActive))
    .limit(1);
  return rows.length > 0;
}

/** Registrations of one UTC day. */
export interface RegistrationDay {
  /** `YYYY-MM-DD` (UTC). */
  date: string;
  registrations: number;
}

export const MAX_REGISTRATION_DAYS = 366;

/**
 * Local accounts created on each of the last `days` UTC days (today included), oldest first, days
 * without one as 0: one statement, the range read through users_created_at_idx.
 */
export async function registrationsPerDay(db: Tx, days: number): Promise<RegistrationDay[]> {
  if (!Number.isInteger(days) || days < 1 || days > MAX_REGISTRATION_DAYS)
    throw new BadInputError(`days must be between 1 and ${MAX_REGISTRATION_DAYS}`, [{ path: ['days'], message: `between 1 and ${MAX_REGISTRATION_DAYS}` }]);
  const rows = await queryRows<{ date: string; registrations: number }>(
    db,
    sql`with first_day as (select (now() at time zone 'UTC')::date - ${days - 1}::int as day),
      counts as (
        select (${users.createdAt} at time zone 'UTC')::date as day, count(*)::int as n from ${users}
        where ${users.createdAt} >= ((select day from first_day)::timestamp at time zone 'UTC') and ${users.domain} is null
        group by 1)
      select to_char(d.day, 'YYYY-MM-DD') as date, coalesce(c.n, 0)::int as registrations
      from generate_series((select day from first_day), (now() at time zone 'UTC')::date, interval '1 day') as d(day)
      left join counts c on c.day = d.day::date
      order by d.day`,
  );
  return rows.map((r) => ({ date: r.date, registrations: Number(r.registrations) }));
}
