import { sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { bothWays, findPage, type Connection, type ListArgs, type ListSource, type ListWants } from '../../db/connection.js';
import { refKey, type FilterOf, type RefValue } from '../../db/filter.js';
import type { Params } from '../../db/prepared.js';
import { BadInputError } from '../../core/errors.js';
import { effectiveStatus } from '../../access/status.js';
import { grantIsActive } from '../../access/standing.js';
import { roles, userRoles } from '../roles/table.js';
import { loadUserFields, projectedUserFields, unprojectedUserFields } from './extensions.js';
import { USER_STATUSES, userJsonSql, type UserJson, type UserShape } from './queries.js';
import { users } from './table.js';
import { keptUserCount } from './counted.js';

/** The users list: its filter fields, its orders, and its pages (db/connection.ts). */

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

/** A JSON array parameter as a text[] (one parameter whatever the list's length). */
const jsonTextArray = (p: Params, values: readonly string[]) => sql`array(select jsonb_array_elements_text(${p.add(JSON.stringify(values))}::jsonb))`;

function customDataCondition(filter: CustomDataFilter, p: Params, at: string[]): SQL | undefined {
  const { path, equals, exists } = filter;
  if (!path.length || path.length > 16 || path.some((k) => k.length === 0 || k.length > 256)) {
    throw new BadInputError(`${at.join('.')}.path must have 1 to 16 non-empty keys`, [{ path: [...at, 'path'], message: 'between 1 and 16 non-empty keys' }]);
  }
  const parts: SQL[] = [];
  if (equals !== undefined && equals !== null) parts.push(sql`${users.customData} @> ${p.add(JSON.stringify(nestAt(path, equals)))}::jsonb`);
  if (exists != null) {
    const value = sql`${users.customData} #> ${jsonTextArray(p, path)}`;
    parts.push(exists ? sql`${value} is not null` : sql`${value} is null`);
  }
  return parts.length ? sql.join(parts, sql` and `) : undefined;
}

export const userFilterTable = {
  username: { kind: 'text', sql: sql`${users.username}` },
  email: { kind: 'text', sql: sql`${users.email}` },
  displayName: { kind: 'text', sql: sql`${users.displayName}` },
  domain: { kind: 'text', sql: sql`${users.domain}` },
  local: { kind: 'flag', sql: sql`${users.domain} is null`, description: 'true: local accounts only; false: remote only' },
  discriminator: { kind: 'equals', sql: sql`${users.discriminator}` },
  status: { kind: 'oneOf', sql: effectiveStatus, enumName: 'UserStatus', values: USER_STATUSES },
  createdAt: { kind: 'range', sql: sql`${users.createdAt}` },
  role: {
    kind: 'custom',
    description: 'Holds this role (by name) now',
    compile: (name: string, p: Params) => sql`exists (select 1 from ${userRoles} join ${roles} on ${roles.id} = ${userRoles.roleId}
      where ${userRoles.userId} = ${users.id} and lower(${roles.name}) = lower(${p.add(name)}) and ${grantIsActive})`,
  },
  tags: {
    kind: 'custom',
    compile: (tags: { any?: string[] | null; all?: string[] | null }, p: Params) => {
      const parts: SQL[] = [];
      if (tags.any?.length) parts.push(sql`${users.tags} && ${jsonTextArray(p, tags.any)}`);
      if (tags.all?.length) parts.push(sql`${users.tags} @> ${jsonTextArray(p, tags.all)}`);
      return parts.length ? sql.join(parts, sql` and `) : undefined;
    },
  },
  customData: { kind: 'custom', compile: (f: CustomDataFilter, p: Params, path: string[]) => customDataCondition(f, p, path) },
  id: {
    kind: 'custom',
    compile: (ids: { in?: RefValue[] | null; gt?: RefValue | null }, p: Params, path: string[]) => {
      const parts: SQL[] = [];
      if (ids.in) {
        if (ids.in.length > 1000) throw new BadInputError('id.in takes at most 1,000 IDs', [{ path: [...path, 'in'], message: 'at most 1,000' }]);
        const keys = ids.in.map((ref, i) => refKey(ref, 'User', [...path, 'in', String(i)]).toString());
        parts.push(sql`${users.id} = any(array(select jsonb_array_elements_text(${p.add(JSON.stringify(keys))}::jsonb))::bigint[])`);
      }
      if (ids.gt) parts.push(sql`${users.id} > ${p.add(refKey(ids.gt, 'User', [...path, 'gt']).toString())}::bigint`);
      return parts.length ? sql.join(parts, sql` and `) : undefined;
    },
  },
} as const;

export type UserFilter = FilterOf<typeof userFilterTable>;

const createdAt = { sql: sql`${users.createdAt}`, type: 'timestamptz' } as const;
const username = { sql: sql`lower(${users.username})`, type: 'text' } as const;
const id = { sql: sql`${users.id}`, type: 'bigint' } as const;

/** The users list answers up to 1,000 per page (other lists: MAX_PAGE_SIZE). */
export const USERS_MAX_PAGE_SIZE = 1000;

const userOrders = bothWays({ CREATED_AT: createdAt, USERNAME: username, ID: id });
export type UserOrder = keyof typeof userOrders;

export const userList: ListSource<typeof userFilterTable, UserOrder> = {
  name: 'users',
  table: users,
  id,
  orders: userOrders,
  defaultOrder: 'CREATED_AT_ASC',
  filter: userFilterTable,
  keptCount: keptUserCount,
  // Whole-list legacy clients (the CookieCMS panels) read every user in pages of 1,000.
  maxPageSize: USERS_MAX_PAGE_SIZE,
};

export type UserPageArgs = ListArgs<typeof userFilterTable, UserOrder>;

/**
 * One page of users: one statement for the page (with its count when selected), then one per
 * registered field selected (extensions.ts), e.g. the roles of all its users.
 */
export async function findUserPage(db: Tx, args: UserPageArgs, shape: UserShape, wants: ListWants): Promise<Connection<UserJson>> {
  const page = await findPage(
    db,
    userList,
    {
      // The type name as a parameter keeps a statement with no other value on the prepared path
      // (postgres.js sends a statement without parameters through the simple protocol).
      select: (p) => ({ obj: sql<UserJson>`${userJsonSql({ fields: shape.fields }, projectedUserFields(shape.nested), sql`${p.add('User')}::text`)}` }),
      selectKey: JSON.stringify([shape.fields, shape.nested ?? null]),
      nodeOf: (row: { obj: UserJson }) => row.obj,
    },
    args,
    wants,
  );
  await loadUserFields(
    db,
    page.edges.map((e) => e.node),
    unprojectedUserFields(shape.nested),
  );
  return page;
}
