import { and, eq, not, or, sql, type SQL } from 'drizzle-orm';
import { bigintArray } from '../../db/arrays.js';
import { Params, runPrepared, shapeKey } from '../../db/prepared.js';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Tx } from '../../db/client.js';
import { checkCount, invalidCursor, MAX_PAGE_SIZE, type Page } from '../../db/page.js';
import { isTimestampText, parseBigintId } from '../../db/values.js';
import { jsonObject } from '../../db/json.js';
import { BadInputError } from '../../core/errors.js';
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

export interface TextFilter {
  equals?: string | null;
  contains?: string | null;
  startsWith?: string | null;
  /** For shims that promise a case-sensitive match (Litecord's username search). */
  containsCaseSensitive?: string | null;
  equalsCaseSensitive?: string | null;
}

export interface DateRange {
  gt?: Date | null;
  gte?: Date | null;
  lt?: Date | null;
  lte?: Date | null;
}

export interface UserFilter {
  and?: UserFilter[] | null;
  or?: UserFilter[] | null;
  not?: UserFilter | null;
  username?: TextFilter | null;
  email?: TextFilter | null;
  displayName?: TextFilter | null;
  discriminator?: string | null;
  domain?: TextFilter | null;
  local?: boolean | null;
  status?: { in: UserStatus[] } | null;
  createdAt?: DateRange | null;
  role?: string | null;
  tags?: { any?: string[] | null; all?: string[] | null } | null;
  /** Internal keys (already decoded from global IDs). */
  id?: { in?: bigint[] | null; gt?: bigint | null } | null;
  customData?: CustomDataFilter | null;
}

/** A condition on one path inside customData. */
export interface CustomDataFilter {
  path: string[];
  /** The value at the path equals this JSON value (served by the GIN index through `@>`). */
  equals?: unknown;
  exists?: boolean | null;
}

/** `{"a": {"b": value}}` for path [a, b]: what `@>` needs to test one path. */
function nestAt(path: string[], value: unknown): unknown {
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
}

export const USER_ORDERS = ['CREATED_AT_ASC', 'CREATED_AT_DESC', 'USERNAME_ASC', 'USERNAME_DESC', 'ID_ASC', 'ID_DESC'] as const;
export type UserOrder = (typeof USER_ORDERS)[number];

export { MAX_PAGE_SIZE };
export const DEFAULT_PAGE_SIZE = 20;
/** Numbered pages exist for legacy shims only; capping the offset caps the rows skipped. */
export const MAX_OFFSET = 10_000;

const escapeLike = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);

function textCondition(column: AnyPgColumn, filter: TextFilter, p: Params): SQL | undefined {
  const parts: SQL[] = [];
  if (filter.equals != null) parts.push(sql`lower(${column}) = lower(${p.add(filter.equals)})`);
  if (filter.contains != null) parts.push(sql`${column} ilike ${p.add(`%${escapeLike(filter.contains)}%`)}`);
  if (filter.startsWith != null) parts.push(sql`${column} ilike ${p.add(`${escapeLike(filter.startsWith)}%`)}`);
  if (filter.containsCaseSensitive != null) parts.push(sql`${column} like ${p.add(`%${escapeLike(filter.containsCaseSensitive)}%`)}`);
  if (filter.equalsCaseSensitive != null) parts.push(sql`${column} = ${p.add(filter.equalsCaseSensitive)}`);
  return parts.length ? and(...parts) : undefined;
}

/**
 * Turns the typed filter tree into one WHERE condition. Every value goes through `p`, so the SQL
 * depends only on the filter's shape.
 */
export function userFilterSql(filter: UserFilter | null | undefined, p: Params = new Params(), depth = 0): SQL | undefined {
  if (!filter) return undefined;
  if (depth > 8) throw new BadInputError('filter is nested too deeply', [{ path: ['filter'], message: 'at most 8 levels' }]);
  const parts: (SQL | undefined)[] = [];
  if (filter.username) parts.push(textCondition(users.username, filter.username, p));
  if (filter.email) parts.push(textCondition(users.email, filter.email, p));
  if (filter.displayName) parts.push(textCondition(users.displayName, filter.displayName, p));
  if (filter.domain) parts.push(textCondition(users.domain, filter.domain, p));
  if (filter.discriminator != null) parts.push(sql`${users.discriminator} = ${p.add(filter.discriminator)}`);
  if (filter.local != null) parts.push(sql`(${users.domain} is null) = ${p.add(filter.local)}`);
  if (filter.status) {
    // One text parameter whatever the set's size, so the statement's text does not vary with it.
    parts.push(sql`${effectiveStatus} = any(string_to_array(${p.add(filter.status.in.join(','))}, ','))`);
  }
  if (filter.createdAt) {
    const r = filter.createdAt;
    // Placeholders skip Drizzle's value mapping, so dates travel as ISO text.
    const at = (d: Date) => sql`${p.add(d.toISOString())}::timestamptz`;
    if (r.gt) parts.push(sql`${users.createdAt} > ${at(r.gt)}`);
    if (r.gte) parts.push(sql`${users.createdAt} >= ${at(r.gte)}`);
    if (r.lt) parts.push(sql`${users.createdAt} < ${at(r.lt)}`);
    if (r.lte) parts.push(sql`${users.createdAt} <= ${at(r.lte)}`);
  }
  if (filter.role != null) {
    parts.push(sql`exists (select 1 from ${userRoles} join ${roles} on ${roles.id} = ${userRoles.roleId}
      where ${userRoles.userId} = ${users.id} and lower(${roles.name}) = lower(${p.add(filter.role)}) and ${grantIsActive})`);
  }
  if (filter.id?.in)
    parts.push(sql`${users.id} = any(array(select jsonb_array_elements_text(${p.add(JSON.stringify(filter.id.in.map(String)))}::jsonb))::bigint[])`);
  if (filter.id?.gt != null) parts.push(sql`${users.id} > ${p.add(filter.id.gt.toString())}::bigint`);
  if (filter.tags?.any?.length) parts.push(sql`${users.tags} && array(select jsonb_array_elements_text(${p.add(JSON.stringify(filter.tags.any))}::jsonb))`);
  if (filter.tags?.all?.length) parts.push(sql`${users.tags} @> array(select jsonb_array_elements_text(${p.add(JSON.stringify(filter.tags.all))}::jsonb))`);
  if (filter.customData) {
    const { path, equals, exists } = filter.customData;
    if (!path.length || path.length > 16 || path.some((k) => k.length === 0 || k.length > 256)) {
      throw new BadInputError('filter.customData.path must have 1 to 16 non-empty keys', [
        { path: ['filter', 'customData', 'path'], message: 'between 1 and 16 non-empty keys' },
      ]);
    }
    if (equals !== undefined && equals !== null) parts.push(sql`${users.customData} @> ${p.add(JSON.stringify(nestAt(path, equals)))}::jsonb`);
    if (exists != null) {
      const at = sql`${users.customData} #> array(select jsonb_array_elements_text(${p.add(JSON.stringify(path))}::jsonb))`;
      parts.push(exists ? sql`${at} is not null` : sql`${at} is null`);
    }
  }
  if (filter.and?.length) parts.push(and(...filter.and.map((f) => userFilterSql(f, p, depth + 1) ?? sql`true`)));
  if (filter.or?.length) parts.push(or(...filter.or.map((f) => userFilterSql(f, p, depth + 1) ?? sql`true`)));
  if (filter.not) parts.push(not(userFilterSql(filter.not, p, depth + 1) ?? sql`true`));
  const present = parts.filter((p): p is SQL => p !== undefined);
  return present.length ? and(...present) : undefined;
}

const col = (c: unknown) => sql`${c}`;
/** A timestamp as the API answers it (ISO 8601, UTC, milliseconds), so the scalar passes it through. */
const isoUtc = (c: unknown) => sql`to_char(${c} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

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
  const where = eq(users.id, p.add(id) as never);
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

// ---- connections ----

export interface UserPageArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  offset?: number | null;
  filter?: UserFilter | null;
  orderBy?: UserOrder | null;
}

export interface UserPage extends Page<UserJson> {
  totalCount: number | null;
}

function encodeCursor(order: UserOrder, key: string, id: string): string {
  return Buffer.from(JSON.stringify([order, key, id])).toString('base64url');
}

/** Whether `key` can be the order key of `order` in SQL: a timestamp, a bigint, or text without NUL. */
function isOrderKey(order: UserOrder, key: string): boolean {
  if (order.startsWith('CREATED_AT')) return isTimestampText(key);
  if (order.startsWith('ID')) return parseBigintId(key) !== null;
  return !key.includes('\u0000') && key.length <= 1024;
}

/** A cursor this server made for `order`: its keys are checked, as PostgreSQL would refuse a bad one mid-statement. */
function decodeCursor(cursor: string, order: UserOrder, arg: string): { key: string; id: string } {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor(arg);
  }
  if (
    Array.isArray(value) &&
    value.length === 3 &&
    typeof value[0] === 'string' &&
    typeof value[1] === 'string' &&
    typeof value[2] === 'string' &&
    parseBigintId(value[2]) !== null
  ) {
    if (value[0] !== order)
      throw new BadInputError(`${arg}: the cursor belongs to another orderBy`, [{ path: [arg], message: 'cursor was made for another orderBy' }]);
    if (isOrderKey(order, value[1])) return { key: value[1], id: value[2] };
  }
  throw invalidCursor(arg);
}

/** What of a connection beyond its nodes the request selected. */
export interface PageWants {
  totalCount: boolean;
  cursors: boolean;
}

/**
 * One page of users with keyset cursors, its count when asked for, and the registered fields selected.
 */
export async function findUserPage(db: Tx, args: UserPageArgs, shape: UserShape, wants: PageWants): Promise<UserPage> {
  const wantTotal = wants.totalCount;
  checkCount(args.first, 'first', MAX_PAGE_SIZE);
  checkCount(args.last, 'last', MAX_PAGE_SIZE);
  checkCount(args.offset, 'offset', MAX_OFFSET);
  if (args.first != null && args.last != null)
    throw new BadInputError('use first or last, not both', [{ path: ['last'], message: 'use first or last, not both' }]);
  if (args.offset && (args.last != null || args.before != null))
    throw new BadInputError('offset pages forwards only', [{ path: ['offset'], message: 'use offset with first' }]);

  const order = args.orderBy ?? 'CREATED_AT_ASC';
  const [field, direction] = order.startsWith('CREATED_AT')
    ? (['CREATED_AT', order.slice(11)] as const)
    : order.startsWith('ID')
      ? (['ID', order.slice(3)] as const)
      : (['USERNAME', order.slice(9)] as const);
  const backward = args.last != null || (args.before != null && args.first == null);
  const size = backward ? (args.last ?? DEFAULT_PAGE_SIZE) : (args.first ?? DEFAULT_PAGE_SIZE);
  const ascending = (direction === 'ASC') !== backward;

  const after = args.after ? decodeCursor(args.after, order, 'after') : null;
  const before = args.before ? decodeCursor(args.before, order, 'before') : null;
  const key = `page:${JSON.stringify([order, backward, size, !!after, !!before, !!args.offset, wantTotal, wants.cursors, shape.fields])}:${shapeKey(args.filter ?? null)}`;

  // One statement per nested level: the page (with its count) as JSON built by PostgreSQL, then one
  // per registered field selected (extensions.ts), e.g. the roles of all its users.
  const p = new Params();
  const filter = userFilterSql(args.filter, p);
  const cursors: SQL[] = [];
  const orderKey = field === 'CREATED_AT' ? sql`${users.createdAt}` : field === 'ID' ? sql`${users.id}` : sql`lower(${users.username})`;
  const keyParam = (k: string) => sql`${p.add(k)}::${sql.raw(field === 'CREATED_AT' ? 'timestamptz' : field === 'ID' ? 'bigint' : 'text')}`;
  const forwardOp = direction === 'ASC' ? sql.raw('>') : sql.raw('<');
  const backwardOp = direction === 'ASC' ? sql.raw('<') : sql.raw('>');
  if (after) cursors.push(sql`(${orderKey}, ${users.id}) ${forwardOp} (${keyParam(after.key)}, ${p.add(after.id)}::bigint)`);
  if (before) cursors.push(sql`(${orderKey}, ${users.id}) ${backwardOp} (${keyParam(before.key)}, ${p.add(before.id)}::bigint)`);
  // The limit is part of the statement's text (a validated integer): with LIMIT as a parameter
  // PostgreSQL can never settle on one generic plan and re-plans every execution.
  const offset = args.offset ? p.add(args.offset) : null;
  // A statement without parameters would go to postgres.js's simple protocol, parsed and planned on
  // every call; the type name as a parameter keeps it on the prepared path.
  const typename = sql`${p.add('User')}::text`;

  const [result] = await runPrepared(
    db,
    key,
    p,
    () => {
      const dir = sql.raw(ascending ? 'asc' : 'desc');
      const keyText = field === 'USERNAME' ? sql`lower(${users.username})` : sql`${orderKey}::text`;
      const page = db
        .select({
          obj: sql`${userJsonSql({ fields: shape.fields }, wants.cursors ? [['_k', keyText]] : [], typename)}`.as('obj'),
          k1: sql`${orderKey}`.as('k1'),
          k2: sql`${users.id}`.as('k2'),
        })
        .from(users)
        .where(and(filter, ...cursors))
        .orderBy(sql`${orderKey} ${dir}`, sql`${users.id} ${dir}`)
        .limit(sql.raw(String(size + 1)) as never)
        .offset((offset ?? 0) as never)
        .as('page');
      return db
        .select({
          rows: sql<(UserJson & { _k: string })[]>`coalesce(json_agg(${page.obj} order by ${page.k1} ${dir}, ${page.k2} ${dir}), '[]'::json)`,
          total: wantTotal ? sql<number>`(select count(*)::int from ${users} ${filter ? sql`where ${filter}` : sql``})` : sql<null>`null::int`,
        })
        .from(page);
    },
    { name: 'users_page', plan: args.filter ? 'per-values' : 'reuse' },
  );
  // The next nested level: each field another module registered, for all the page's users at once.
  await loadUserFields(db, result.rows, shape.nested);
  const total = wantTotal ? Number(result.total) : null;
  let rows = result.rows;
  const more = rows.length > size;
  if (more) rows = rows.slice(0, size);
  if (backward) rows = rows.reverse();
  // Cursor keys are loaded, and cursors encoded, only when the request selects them.
  const edges = rows.map(({ _k, ...node }) => ({
    get cursor() {
      if (_k === undefined) throw new Error('cursor requested but its key was not loaded');
      return encodeCursor(order, _k, node.id);
    },
    node: node as UserJson,
  }));
  return {
    edges,
    pageInfo: {
      hasNextPage: backward ? args.before != null : more,
      hasPreviousPage: backward ? more : args.after != null || (args.offset ?? 0) > 0,
      get startCursor() {
        return edges[0]?.cursor ?? null;
      },
      get endCursor() {
        return edges.at(-1)?.cursor ?? null;
      },
    },
    totalCount: total,
  };
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
