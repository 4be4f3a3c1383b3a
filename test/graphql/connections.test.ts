import { decodeGlobalID } from '@pothos/plugin-relay';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/graphql/ids.js';
import { useGateway } from '../helpers/app.js';
import { mutate } from '../helpers/clients.js';
import { type MadeUser, makeApplication, makeAuditEvent, makeInvite, makeMailJob, makeRole, makeSession } from '../helpers/factories.js';

/**
 * Every list of the connection engine (db/connection.ts) pages the same way in every order its
 * `<Entity>OrderBy` enum offers (read by introspection, so a new order is walked too), filters by
 * every field of its `<Entity>Filter`, counts the whole filtered set and refuses bad arguments
 * with BAD_INPUT, never INTERNAL.
 */

const gw = useGateway();
/** Letters only: lower(name) then sorts the same under any collation and in JS. */
const RUN = Math.random()
  .toString(36)
  .replace(/[^a-z]/g, '')
  .slice(0, 5)
  .padEnd(5, 'q');
const letters = (i: number) => String.fromCharCode(97 + Math.floor(i / 26), 97 + (i % 26));

const PAGE_INFO = 'pageInfo { hasNextPage hasPreviousPage startCursor endCursor }';
type Key = bigint | number | string;

interface ListCase {
  field: string;
  type: string;
  /** Node fields beyond id the keys read. */
  select: string;
  /** Arguments beyond the connection's own (name: type). */
  extra?: Record<string, string>;
  /** Restricts the list to this file's fixture rows. */
  vars: () => Record<string, unknown>;
  /** The sort key of each order's stem (the enum value without _ASC/_DESC). */
  keys: Record<string, (node: any) => Key>;
  /** The tie-breaking id of a node (the list's unique key). */
  tie: (node: any) => Key;
  minRows: number;
}

const time = (v: string | null) => (v === null ? Number.POSITIVE_INFINITY : Date.parse(v));
const bigKey = (node: any) => BigInt(decodeGlobalID(node.id).id);
const TIMESTAMP_STEMS = new Set(['CREATED_AT', 'EXPIRES_AT', 'LAST_SEEN_AT']);

let admin: MadeUser;
const f = {} as {
  userPrefix: string;
  users: MadeUser[];
  rolePrefix: string;
  inviteAdmin: MadeUser;
  appAdmin: MadeUser;
  auditUser: MadeUser;
  mailAdmin: MadeUser;
  sessUser: MadeUser;
  invites: { gid: string; code: string }[];
  apps: { gid: string; clientId: string }[];
  roles: { gid: string; name: string }[];
  sessions: string[];
  mailJobs: string[];
  audit: string[];
};

const CASES: ListCase[] = [
  {
    field: 'users',
    type: 'User',
    select: 'username createdAt',
    vars: () => ({ filter: { username: { startsWith: f.userPrefix } } }),
    keys: { CREATED_AT: (n) => time(n.createdAt), USERNAME: (n) => n.username.toLowerCase(), ID: bigKey },
    tie: bigKey,
    minRows: 6,
  },
  {
    field: 'roles',
    type: 'Role',
    select: 'name rank',
    vars: () => ({ filter: { name: { startsWith: f.rolePrefix } } }),
    keys: { RANK: (n) => n.rank, NAME: (n) => n.name.toLowerCase() },
    tie: bigKey,
    minRows: 6,
  },
  {
    field: 'invites',
    type: 'Invite',
    select: 'createdAt expiresAt',
    vars: () => ({ filter: { createdBy: f.inviteAdmin.gid } }),
    keys: { CREATED_AT: (n) => time(n.createdAt), EXPIRES_AT: (n) => time(n.expiresAt) },
    tie: bigKey,
    minRows: 6,
  },
  {
    field: 'applications',
    type: 'Application',
    select: 'createdAt displayName',
    vars: () => ({ filter: { createdBy: f.appAdmin.gid } }),
    keys: { ID: bigKey, CREATED_AT: (n) => time(n.createdAt), NAME: (n) => n.displayName.toLowerCase() },
    tie: bigKey,
    minRows: 6,
  },
  {
    field: 'sessions',
    type: 'Session',
    select: 'key createdAt lastSeenAt',
    extra: { userId: 'ID', active: 'Boolean' },
    vars: () => ({ userId: f.sessUser.gid }),
    keys: { CREATED_AT: (n) => time(n.createdAt), LAST_SEEN_AT: (n) => time(n.lastSeenAt) },
    tie: (n) => n.key,
    minRows: 6,
  },
  {
    field: 'auditLog',
    type: 'AuditEvent',
    select: 'seq',
    vars: () => ({ filter: { actorId: f.auditUser.gid, action: 'invite.create' } }),
    keys: { SEQ: (n) => BigInt(n.seq) },
    tie: (n) => BigInt(n.seq),
    minRows: 5,
  },
  {
    field: 'mailJobs',
    type: 'MailJob',
    select: 'createdAt',
    vars: () => ({ filter: { createdBy: f.mailAdmin.gid } }),
    keys: { CREATED_AT: (n) => time(n.createdAt) },
    tie: bigKey,
    minRows: 5,
  },
];

const filterType = (c: ListCase) => (c.field === 'auditLog' ? 'AuditLogFilter' : `${c.type}Filter`);
const orderType = (c: ListCase) => (c.field === 'auditLog' ? 'AuditLogOrderBy' : `${c.type}OrderBy`);

function listQuery(c: ListCase, select = `totalCount ${PAGE_INFO} edges { cursor node { id ${c.select} } }`, withOffset = false) {
  const extra = { ...(c.extra ?? {}), ...(withOffset ? { offset: 'Int' } : {}) };
  const decl = Object.entries(extra)
    .map(([k, t]) => `, $${k}: ${t}`)
    .join('');
  const args = Object.keys(extra)
    .map((k) => `, ${k}: $${k}`)
    .join('');
  return `query($first: Int, $last: Int, $after: String, $before: String, $orderBy: ${orderType(c)}, $filter: ${filterType(c)}${decl}) {
    ${c.field}(first: $first, last: $last, after: $after, before: $before, orderBy: $orderBy, filter: $filter${args}) { ${select} } }`;
}

async function page(c: ListCase, vars: Record<string, unknown>, token = admin.token) {
  const res = await gw.gql(listQuery(c, undefined, 'offset' in vars), { ...c.vars(), ...vars }, token);
  expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
  return res.body.data[c.field];
}

/** The code of the first error of a request (its HTTP status 200 or 400, never 500). */
async function errorCode(query: string, variables: Record<string, unknown>, token: string | null = admin.token) {
  const res = await gw.gql(query, variables, token);
  expect([200, 400]).toContain(res.status);
  expect(res.body.errors, JSON.stringify(res.body)).toBeDefined();
  return res.body.errors[0].extensions?.code;
}

async function enumValues(name: string): Promise<string[]> {
  const res = await gw.gql('query($n: String!) { __type(name: $n) { enumValues { name } } }', { n: name }, admin.token);
  return res.body.data.__type.enumValues.map((v: { name: string }) => v.name);
}

const ids = (conn: any): string[] => conn.edges.map((e: any) => e.node.id);

beforeAll(async () => {
  admin = await gw.user({ roles: ['admin'] });
  f.userPrefix = `cx${RUN}`;
  f.users = [];
  for (let i = 0; i < 6; i++) f.users.push(await gw.user({ username: `${f.userPrefix}${letters(5 - i)}` }));

  f.rolePrefix = `cr${RUN}`;
  f.roles = [];
  const ranks = [3, 3, 3, 7, 7, 9];
  for (let i = 0; i < 6; i++) {
    const r = await makeRole(gw, { name: `${f.rolePrefix}${letters(i % 2 ? i : 10 - i)}`, rank: ranks[i], scopes: i === 0 ? ['admin:users:read'] : [] });
    f.roles.push({ gid: r.gid, name: r.name });
  }

  f.inviteAdmin = await gw.user({ roles: ['admin'] });
  const soon = new Date(Date.now() + 86_400_000);
  const later = new Date(Date.now() + 2 * 86_400_000);
  const far = new Date(Date.now() + 3 * 86_400_000);
  // Every invite has an expiry: a cursor on an invite without one is refused (see the report / connections.bugs.test.ts).
  const expiries = [soon, far, soon, later, far, soon];
  f.invites = [];
  for (let i = 0; i < 6; i++) {
    const inv = await makeInvite(gw, {
      by: f.inviteAdmin.id,
      expiresAt: expiries[i],
      ownerId: i < 3 ? f.users[0].id : f.users[1].id,
      maxUses: 1,
      code: `cinv${RUN}${letters(i)}`,
    });
    f.invites.push(inv);
  }

  f.appAdmin = await gw.user({ roles: ['admin'] });
  const names = ['Same', 'same', 'Other', 'zeta', 'Alpha', 'alpha'];
  f.apps = [];
  for (let i = 0; i < 6; i++) {
    const a = await makeApplication(gw, {
      by: f.appAdmin.id,
      displayName: names[i],
      clientId: `capp${RUN}${letters(i)}`,
      role: i < 2 ? 'INTERNAL' : 'EXTERNAL',
      grants: i === 0 ? ['client_credentials', 'password'] : ['client_credentials'],
    });
    f.apps.push(a);
  }

  f.sessUser = await gw.user();
  f.sessions = [f.sessUser.sessionId];
  for (let i = 0; i < 5; i++)
    f.sessions.push((await makeSession(gw, f.sessUser.id, { ip: i < 2 ? '203.0.113.7' : '127.0.0.1', userAgent: `agent-${letters(i)}` })).sessionId);

  f.auditUser = await gw.user({ roles: ['admin'] });
  f.audit = [];
  for (let i = 0; i < 5; i++) f.audit.push((await makeAuditEvent(gw, { by: f.auditUser.id })).gid);

  f.mailAdmin = await gw.user({ roles: ['admin'] });
  f.mailJobs = [];
  for (let i = 0; i < 5; i++) f.mailJobs.push((await makeMailJob(gw, { by: f.mailAdmin.id, subject: i < 2 ? `cmail${RUN} urgent` : `cmail${RUN} news` })).gid);
});

describe('every list, every order: forward and backward walks agree', () => {
  for (const c of CASES) {
    it(`${c.field}: each ${orderType(c)} value`, async () => {
      const orders = await enumValues(orderType(c));
      expect(orders.length).toBeGreaterThan(0);
      for (const orderBy of orders) {
        const stem = orderBy.replace(/_(ASC|DESC)$/, '');
        const keyOf = c.keys[stem];
        expect(keyOf, `${c.field} ${orderBy}: no sort key known to this test`).toBeDefined();
        const all = await page(c, { orderBy, first: 100 });
        const total = all.edges.length;
        expect(total, `${c.field} ${orderBy}`).toBeGreaterThanOrEqual(c.minRows);
        expect(all.totalCount).toBe(total);
        expect(all.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });

        const forward: string[] = [];
        let after: string | null = null;
        for (let guard = 0; ; guard++) {
          expect(guard).toBeLessThan(100);
          const p: any = await page(c, { orderBy, first: 2, after });
          expect(p.totalCount, `${c.field} ${orderBy} forward`).toBe(total);
          expect(p.edges.length).toBeLessThanOrEqual(2);
          expect(p.pageInfo.hasPreviousPage).toBe(after !== null);
          forward.push(...ids(p));
          if (p.edges.length) expect(p.pageInfo.endCursor).toBe(p.edges.at(-1).cursor);
          if (!p.pageInfo.hasNextPage) break;
          after = p.pageInfo.endCursor;
        }

        const backwardPages: string[][] = [];
        let before: string | null = null;
        for (let guard = 0; ; guard++) {
          expect(guard).toBeLessThan(100);
          const p: any = await page(c, { orderBy, last: 2, before });
          expect(p.totalCount, `${c.field} ${orderBy} backward`).toBe(total);
          expect(p.edges.length).toBeLessThanOrEqual(2);
          expect(p.pageInfo.hasNextPage).toBe(before !== null);
          backwardPages.unshift(ids(p));
          if (p.edges.length) expect(p.pageInfo.startCursor).toBe(p.edges[0].cursor);
          if (!p.pageInfo.hasPreviousPage) break;
          before = p.pageInfo.startCursor;
        }
        const backward = backwardPages.flat();

        expect(new Set(forward).size, `${c.field} ${orderBy}: duplicates`).toBe(forward.length);
        expect(forward, `${c.field} ${orderBy}: forward vs one page`).toEqual(ids(all));
        expect(backward, `${c.field} ${orderBy}: backward vs one page`).toEqual(ids(all));

        const desc = orderBy.endsWith('_DESC');
        const nodes = all.edges.map((e: any) => e.node);
        for (let i = 1; i < nodes.length; i++) {
          const [a, b] = desc ? [nodes[i], nodes[i - 1]] : [nodes[i - 1], nodes[i]];
          const ka = keyOf(a);
          const kb = keyOf(b);
          const where = `${c.field} ${orderBy} at ${i}: ${String(ka)} / ${String(kb)}`;
          expect(ka <= kb, where).toBe(true);
          // Ties break by the list's unique key in the order's direction (timestamps only to the millisecond here).
          if (ka === kb && !TIMESTAMP_STEMS.has(stem)) expect(c.tie(a) < c.tie(b), `${where}: tie`).toBe(true);
        }
      }
    });
  }

  it('the fixtures really tie on the sort key where it can tie', async () => {
    const roles = await page(CASES[1], { orderBy: 'RANK_ASC', first: 100 });
    expect(roles.edges.filter((e: any) => e.node.rank === 3)).toHaveLength(3);
    const apps = await page(CASES[3], { orderBy: 'NAME_ASC', first: 100 });
    expect(apps.edges.filter((e: any) => e.node.displayName.toLowerCase() === 'same')).toHaveLength(2);
    const invites = await page(CASES[2], { orderBy: 'EXPIRES_AT_ASC', first: 100 });
    expect(new Set(invites.edges.slice(0, 3).map((e: any) => e.node.expiresAt)).size).toBe(1);
  });
});

describe('bad paging arguments are BAD_INPUT, never INTERNAL', () => {
  const b64 = (v: string) => Buffer.from(v).toString('base64url');
  const users = () => CASES[0];

  it('a cursor made for one orderBy is refused by every other, on every list', async () => {
    for (const c of CASES) {
      const orders = await enumValues(orderType(c));
      if (orders.length < 2) continue;
      const p = await page(c, { orderBy: orders[0], first: 1 });
      const cursor = p.pageInfo.endCursor;
      for (const other of orders.slice(1)) {
        for (const arg of ['after', 'before']) {
          expect(await errorCode(listQuery(c), { ...c.vars(), orderBy: other, [arg]: cursor }), `${c.field} ${other} ${arg}`).toBe('BAD_INPUT');
        }
      }
    }
  });

  it('forged cursors', async () => {
    const forged: [string, string][] = [
      ['CREATED_AT_ASC', b64('garbage')],
      ['CREATED_AT_ASC', 'not base64 at all!!'],
      ['CREATED_AT_ASC', b64('{"a":1}')],
      ['CREATED_AT_ASC', b64('["CREATED_AT_ASC","not a date","1"]')],
      ['CREATED_AT_ASC', b64('["CREATED_AT_ASC","2020-01-01T00:00:00Z","9223372036854775808"]')],
      ['ID_ASC', b64('["ID_ASC","9223372036854775808","9223372036854775808"]')],
      ['ID_ASC', b64('["ID_ASC","1","99999999999999999999999"]')],
      ['USERNAME_ASC', b64('["USERNAME_ASC","a\\u0000b","1"]')],
      ['CREATED_AT_ASC', b64('["CREATED_AT_ASC","2020-01-01T00:00:00Z",1]')],
    ];
    for (const [orderBy, cursor] of forged) {
      for (const arg of ['after', 'before']) {
        expect(await errorCode(listQuery(users()), { ...users().vars(), orderBy, [arg]: cursor }), `${cursor} ${arg}`).toBe('BAD_INPUT');
      }
    }
    // Each list's own key types: a non-UUID session id, a non-integer rank, a seq above 2^63 - 1.
    const more: [ListCase, string, string][] = [
      [CASES[4], 'CREATED_AT_DESC', b64('["CREATED_AT_DESC","2020-01-01T00:00:00Z","not-a-uuid"]')],
      [CASES[1], 'RANK_DESC', b64('["RANK_DESC","1.5","1"]')],
      [CASES[1], 'RANK_DESC', b64('["RANK_DESC","99999999999","1"]')],
      [CASES[5], 'SEQ_DESC', b64('["SEQ_DESC","9223372036854775808","9223372036854775808"]')],
      [CASES[2], 'EXPIRES_AT_ASC', b64('["EXPIRES_AT_ASC","tomorrow","1"]')],
    ];
    for (const [c, orderBy, cursor] of more) {
      expect(await errorCode(listQuery(c), { ...c.vars(), orderBy, after: cursor }), `${c.field} ${cursor}`).toBe('BAD_INPUT');
    }
  });

  it('first with last, first or last above 100 or below 0, offset above 10000 or with last/before', async () => {
    for (const c of CASES) {
      expect(await errorCode(listQuery(c), { ...c.vars(), first: 1, last: 1 }), c.field).toBe('BAD_INPUT');
      expect(await errorCode(listQuery(c), { ...c.vars(), first: 101 }), c.field).toBe('BAD_INPUT');
      expect(await errorCode(listQuery(c), { ...c.vars(), last: 101 }), c.field).toBe('BAD_INPUT');
      expect(await errorCode(listQuery(c), { ...c.vars(), first: -1 }), c.field).toBe('BAD_INPUT');
    }
    const u = users();
    expect((await page(u, { first: 100 })).edges.length).toBeGreaterThan(0);
    expect(await errorCode(listQuery(u, undefined, true), { ...u.vars(), offset: 10_001, first: 1 })).toBe('BAD_INPUT');
    expect(await errorCode(listQuery(u, undefined, true), { ...u.vars(), offset: -1, first: 1 })).toBe('BAD_INPUT');
    expect(await errorCode(listQuery(u, undefined, true), { ...u.vars(), offset: 1, last: 1 })).toBe('BAD_INPUT');
    const cursor = (await page(u, { first: 1 })).pageInfo.endCursor;
    expect(await errorCode(listQuery(u, undefined, true), { ...u.vars(), offset: 1, before: cursor })).toBe('BAD_INPUT');
    // A capped offset itself works: it skips rows forwards.
    const all = ids(await page(u, { first: 100 }));
    const skipped = await page(u, { offset: 2, first: 2 });
    expect(ids(skipped)).toEqual(all.slice(2, 4));
    expect(skipped.pageInfo.hasPreviousPage).toBe(true);
    expect(skipped.totalCount).toBe(all.length);
    expect(ids(await page(u, { offset: 10_000, first: 1 }))).toEqual([]);
  });
});

/** The node ids of `c` (restricted to the fixtures unless `vars` replaces the filter) matching `filter`. */
async function matching(c: ListCase, filter: unknown, vars: Record<string, unknown> = {}, token = admin.token): Promise<string[]> {
  const res = await gw.gql(listQuery(c, 'totalCount edges { node { id } }'), { ...c.vars(), first: 100, ...vars, filter }, token);
  expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
  const conn = res.body.data[c.field];
  expect(conn.totalCount).toBe(conn.edges.length);
  return ids(conn).sort();
}
const sorted = (xs: string[]) => [...xs].sort();
/**
 * The ids of `nodes` whose `field` is >= or < `bound`, checked to be a proper, non-empty part of them.
 * DateTime answers milliseconds while PostgreSQL keeps microseconds: on a millisecond bound, gte and
 * lt hold of the stored value exactly when they hold of its milliseconds (gt and lte would not).
 */
function inRange(nodes: any[], field: string, op: 'gte' | 'lt', bound: string): string[] {
  const at = Date.parse(bound);
  const ids = nodes.filter((n) => (op === 'gte' ? Date.parse(n[field]) >= at : Date.parse(n[field]) < at)).map((n) => n.id);
  expect(ids.length).toBeGreaterThan(0);
  expect(ids.length).toBeLessThan(nodes.length);
  return sorted(ids);
}
/** The fixture filter of `c` and `extra`, both holding. */
const also = (c: ListCase, extra: Record<string, unknown>) => ({ ...(c.vars().filter as object), ...extra });

describe('each filter field narrows', () => {
  it('users', async () => {
    const u = CASES[0];
    const [a, b, c] = f.users;
    const all = f.users.map((x) => x.gid);
    expect(await matching(u, also(u, {}))).toEqual(sorted(all));
    expect(await matching(u, also(u, { username: { equals: a.username.toUpperCase() } }))).toEqual([a.gid]);
    expect(await matching(u, also(u, { username: { contains: a.username.slice(-2) } }))).toEqual([a.gid]);
    expect(await matching(u, also(u, { username: { equalsCaseSensitive: a.username.toUpperCase() } }))).toEqual([]);
    expect(await matching(u, also(u, { username: { containsCaseSensitive: a.username.slice(-2) } }))).toEqual([a.gid]);
    expect(await matching(u, also(u, { email: { equals: `${b.username}@example.org` } }))).toEqual([b.gid]);
    expect(await matching(u, also(u, { local: true }))).toEqual(sorted(all));
    expect(await matching(u, also(u, { local: false }))).toEqual([]);
    expect(await matching(u, also(u, { domain: { contains: 'x' } }))).toEqual([]);
    expect(await matching(u, also(u, { id: { in: [a.gid, c.gid] } }))).toEqual(sorted([a.gid, c.gid]));
    expect(await matching(u, also(u, { id: { gt: f.users[4].gid } }))).toEqual([f.users[5].gid]);

    const named = await mutate(gw, 'updateUser', { id: b.gid, displayName: `Shown${RUN}` }, admin.token);
    expect(named.__typename).toBe('UpdateUserSuccess');
    expect(await matching(u, also(u, { displayName: { startsWith: `shown${RUN}` } }))).toEqual([b.gid]);

    const details = await gw.gql('query($id: ID!) { user(id: $id) { discriminator createdAt } }', { id: c.gid }, admin.token);
    const { discriminator, createdAt } = details.body.data.user;
    expect(await matching(u, also(u, { discriminator }))).toContain(c.gid);
    expect((await matching(u, also(u, { discriminator }))).length).toBeLessThan(all.length);
    expect(await matching(u, also(u, { createdAt: { gte: createdAt } }))).toContain(c.gid);
    expect(await matching(u, also(u, { createdAt: { gte: createdAt } }))).not.toContain(a.gid);
    expect(await matching(u, also(u, { createdAt: { lt: createdAt } }))).toEqual(sorted([a.gid, b.gid]));

    expect((await mutate(gw, 'tagUsers', { ids: [a.gid, b.gid], tags: [`t${RUN}`] }, admin.token)).__typename).toBe('TagUsersSuccess');
    expect((await mutate(gw, 'tagUsers', { ids: [b.gid], tags: [`v${RUN}`] }, admin.token)).__typename).toBe('TagUsersSuccess');
    expect(await matching(u, also(u, { tags: { any: [`t${RUN}`, 'nope'] } }))).toEqual(sorted([a.gid, b.gid]));
    expect(await matching(u, also(u, { tags: { all: [`t${RUN}`, `v${RUN}`] } }))).toEqual([b.gid]);

    expect((await mutate(gw, 'updateCustomData', { id: c.gid, data: { theme: { mode: 'dark' } } }, admin.token)).__typename).toBe('UpdateCustomDataSuccess');
    expect(await matching(u, also(u, { customData: { path: ['theme', 'mode'], equals: 'dark' } }))).toEqual([c.gid]);
    expect(await matching(u, also(u, { customData: { path: ['theme'], exists: true } }))).toEqual([c.gid]);
    expect((await matching(u, also(u, { customData: { path: ['theme'], exists: false } }))).length).toBe(all.length - 1);

    const mod = f.users[3];
    await gw.gql('mutation($i: AssignRoleInput!) { assignRole(input: $i) { __typename } }', { i: { userId: mod.gid, role: 'moderator' } }, admin.token);
    expect(await matching(u, also(u, { role: 'MODERATOR' }))).toEqual([mod.gid]);

    const suspended = await mutate(gw, 'suspendUser', { id: f.users[4].gid }, admin.token);
    expect(suspended.__typename).toBe('SuspendUserSuccess');
    expect(await matching(u, also(u, { status: { in: ['SUSPENDED'] } }))).toEqual([f.users[4].gid]);
    expect((await matching(u, also(u, { status: { in: ['ACTIVE'] } }))).length).toBe(all.length - 1);
  });

  it('roles', async () => {
    const r = CASES[1];
    const all = f.roles.map((x) => x.gid);
    expect(await matching(r, also(r, {}))).toEqual(sorted(all));
    expect(await matching(r, also(r, { name: { equals: f.roles[2].name.toUpperCase() } }))).toEqual([f.roles[2].gid]);
    expect(await matching(r, also(r, { builtIn: false }))).toEqual(sorted(all));
    expect(await matching(r, also(r, { builtIn: true }))).toEqual([]);
    expect(await matching(r, { builtIn: true })).not.toEqual([]);
    expect(await matching(r, also(r, { scope: 'admin:users:read' }))).toEqual([f.roles[0].gid]);
    expect(await matching(r, also(r, { scope: 'admin:users' }))).toEqual([]);
  });

  it('invites', async () => {
    const v = CASES[2];
    const all = f.invites.map((x) => x.gid);
    const g = (...i: number[]) => sorted(i.map((n) => f.invites[n].gid));
    expect(await matching(v, also(v, {}))).toEqual(sorted(all));
    expect(await matching(v, also(v, { owner: f.users[0].gid }))).toEqual(g(0, 1, 2));
    expect(await matching(v, { createdBy: f.inviteAdmin.gid })).toEqual(sorted(all));
    expect(await matching(v, { createdBy: admin.gid })).toEqual([]);
    expect(await matching(v, also(v, { code: { equals: f.invites[3].code.toUpperCase() } }))).toEqual(g(3));
    expect(await matching(v, also(v, { expiresAt: { gt: new Date(Date.now() + 1.5 * 86_400_000).toISOString() } }))).toEqual(g(1, 3, 4));
    const created = await gw.gql('query($c: String!) { invite(code: $c) { createdAt } }', { c: f.invites[4].code }, admin.token);
    expect(await matching(v, also(v, { createdAt: { gte: created.body.data.invite.createdAt } }))).toEqual(g(4, 5));
    expect(await matching(v, also(v, { expired: false }))).toEqual(sorted(all));
    expect(await matching(v, also(v, { expired: true }))).toEqual([]);

    const revoked = await mutate(gw, 'revokeInvite', { code: f.invites[5].code }, admin.token);
    expect(revoked.__typename).toBe('RevokeInviteSuccess');
    expect(await matching(v, also(v, { revoked: true }))).toEqual(g(5));
    expect(await matching(v, also(v, { valid: false }))).toEqual(g(5));
    expect(await matching(v, also(v, { valid: true }))).toEqual(g(0, 1, 2, 3, 4));

    const REGISTER = 'mutation($input: RegisterWithInviteInput!) { registerWithInvite(input: $input) { __typename } }';
    const reg = await gw.gqlFrom('198.51.100.21', REGISTER, {
      input: { code: f.invites[4].code, username: `creg${RUN}`, email: `creg${RUN}@example.org`, password: 'invite-pass-1' },
    });
    expect(reg.body.data.registerWithInvite.__typename).toBe('RegisterWithInviteSuccess');
    expect(await matching(v, also(v, { used: true }))).toEqual(g(4));
    expect(await matching(v, also(v, { used: false }))).toEqual(g(0, 1, 2, 3, 5));
    // and / or / not
    expect(await matching(v, also(v, { or: [{ used: true }, { revoked: true }] }))).toEqual(g(4, 5));
    expect(await matching(v, also(v, { not: { owner: f.users[0].gid } }))).toEqual(g(3, 4, 5));
    expect(
      await matching(
        v,
        also(v, { and: [{ owner: f.users[0].gid }, { not: { expiresAt: { lt: new Date(Date.now() + 86_400_000 + 60_000).toISOString() } } }] }),
      ),
    ).toEqual(g(1));
  });

  it('applications', async () => {
    const a = CASES[3];
    const all = f.apps.map((x) => x.gid);
    const g = (...i: number[]) => sorted(i.map((n) => f.apps[n].gid));
    expect(await matching(a, also(a, {}))).toEqual(sorted(all));
    expect(await matching(a, also(a, { displayName: { equals: 'SAME' } }))).toEqual(g(0, 1));
    expect(await matching(a, also(a, { displayName: { startsWith: 'al' } }))).toEqual(g(4, 5));
    expect(await matching(a, also(a, { clientId: f.apps[3].clientId }))).toEqual(g(3));
    expect(await matching(a, also(a, { role: { in: ['INTERNAL'] } }))).toEqual(g(0, 1));
    expect(await matching(a, also(a, { role: { in: ['INTERNAL', 'EXTERNAL'] } }))).toEqual(sorted(all));
    expect(await matching(a, also(a, { grant: 'password' }))).toEqual(g(0));
    expect(await matching(a, { createdBy: admin.gid })).toEqual([]);
    const created = await gw.gql('query($id: ID!) { node(id: $id) { ... on Application { createdAt } } }', { id: f.apps[2].gid }, admin.token);
    expect(await matching(a, also(a, { createdAt: { lt: created.body.data.node.createdAt } }))).toEqual(g(0, 1));
    // and / or / not
    expect(await matching(a, also(a, { or: [{ grant: 'password' }, { displayName: { equals: 'zeta' } }] }))).toEqual(g(0, 3));
    expect(await matching(a, also(a, { not: { role: { in: ['EXTERNAL'] } } }))).toEqual(g(0, 1));
    expect(await matching(a, also(a, { and: [{ role: { in: ['INTERNAL'] } }, { not: { grant: 'password' } }] }))).toEqual(g(1));
  });

  it('sessions', async () => {
    const s = CASES[4];
    const gids = f.sessions.map((k) => encodeId('Session', k));
    const g = (...i: number[]) => sorted(i.map((n) => gids[n]));
    expect(await matching(s, null)).toEqual(sorted(gids));
    expect(await matching(s, { ip: '203.0.113.7' })).toEqual(g(1, 2));
    expect(await matching(s, { userAgent: { equals: `AGENT-${letters(2)}` } })).toEqual(g(3));
    const nodes = (await page(s, { first: 100, orderBy: 'CREATED_AT_ASC' })).edges.map((e: any) => e.node);
    expect(await matching(s, { createdAt: { gte: nodes[3].createdAt } })).toEqual(inRange(nodes, 'createdAt', 'gte', nodes[3].createdAt));
    expect(await matching(s, { createdAt: { lt: nodes[3].createdAt } })).toEqual(inRange(nodes, 'createdAt', 'lt', nodes[3].createdAt));
    expect(await matching(s, { lastSeenAt: { lt: nodes[5].lastSeenAt } })).toEqual(inRange(nodes, 'lastSeenAt', 'lt', nodes[5].lastSeenAt));
    const REVOKE = 'mutation($input: RevokeSessionInput!) { revokeSession(input: $input) { __typename } }';
    expect((await gw.gql(REVOKE, { input: { id: gids[5] } }, admin.token)).body.data.revokeSession.__typename).toBe('RevokeSessionSuccess');
    expect(await matching(s, { active: false })).toEqual(g(5));
    expect(await matching(s, { active: true })).toEqual(g(0, 1, 2, 3, 4));
    expect(await matching(s, null, { active: false })).toEqual(g(5));
    // and / or / not
    expect(await matching(s, { or: [{ ip: '203.0.113.7' }, { active: false }] })).toEqual(g(1, 2, 5));
    expect(await matching(s, { not: { ip: '127.0.0.1' } })).toEqual(g(1, 2));
    expect(await matching(s, { and: [{ active: true }, { not: { ip: '203.0.113.7' } }] })).toEqual(g(0, 3, 4));
  });

  it('auditLog', async () => {
    const l = CASES[5];
    const all = sorted(f.audit);
    expect(await matching(l, also(l, {}))).toEqual(all);
    expect(await matching(l, also(l, { action: 'invite.create' }))).toEqual(all);
    expect(await matching(l, also(l, { action: 'user.update' }))).toEqual([]);
    expect(await matching(l, { actorId: f.mailAdmin.gid, action: 'invite.create' })).toEqual([]);
    expect(await matching(l, { actorId: f.inviteAdmin.gid, action: 'invite.create' })).toHaveLength(f.invites.length);
    expect(await matching(l, also(l, { targetType: 'Invite' }))).toEqual(all);
    expect(await matching(l, also(l, { targetType: 'User' }))).toEqual([]);
    const nodes = (await page(l, { first: 100, orderBy: 'SEQ_ASC' })).edges.map((e: any) => e.node);
    const detail = await gw.gql('query($id: ID!) { node(id: $id) { ... on AuditEvent { at targetId } } }', { id: nodes[2].id }, admin.token);
    const { at, targetId } = detail.body.data.node;
    expect(await matching(l, also(l, { targetId }))).toEqual([nodes[2].id]);
    const from = await matching(l, also(l, { from: at }));
    expect(from).toContain(nodes[2].id);
    expect(from).not.toContain(nodes[0].id);
    const to = await matching(l, also(l, { to: at }));
    expect(to).not.toContain(nodes[2].id);
    expect(to).toContain(nodes[0].id);
    // and / or / not
    expect(await matching(l, also(l, { or: [{ targetId }, { targetType: 'User' }] }))).toEqual([nodes[2].id]);
    expect(await matching(l, also(l, { not: { targetId } }))).toEqual(sorted(nodes.filter((_: unknown, i: number) => i !== 2).map((n: any) => n.id)));
  });

  it('mailJobs', async () => {
    const m = CASES[6];
    const all = sorted(f.mailJobs);
    expect(await matching(m, also(m, {}))).toEqual(all);
    expect(await matching(m, also(m, { subject: { contains: 'URGENT' } }))).toEqual(sorted(f.mailJobs.slice(0, 2)));
    expect(await matching(m, { createdBy: admin.gid })).toEqual([]);
    const nodes = (await page(m, { first: 100, orderBy: 'CREATED_AT_ASC' })).edges.map((e: any) => e.node);
    expect(await matching(m, also(m, { createdAt: { gte: nodes[2].createdAt } }))).toEqual(inRange(nodes, 'createdAt', 'gte', nodes[2].createdAt));
    const statuses = await gw.gql(
      'query($f: MailJobFilter) { mailJobs(first: 100, filter: $f) { edges { node { id status } } } }',
      { f: m.vars().filter },
      admin.token,
    );
    for (const status of ['DONE', 'RUNNING']) {
      const want = sorted(statuses.body.data.mailJobs.edges.filter((e: any) => e.node.status === status).map((e: any) => e.node.id));
      expect(await matching(m, also(m, { status: { in: [status] } })), status).toEqual(want);
    }
    expect(await matching(m, also(m, { status: { in: ['DONE', 'RUNNING'] } }))).toEqual(all);
    expect(await matching(m, also(m, { not: { subject: { contains: 'urgent' } } }))).toEqual(sorted(f.mailJobs.slice(2)));
  });
});

describe('bad filters are clean errors', () => {
  it('an unknown enum value or a wrong-type global ID is refused, never INTERNAL', async () => {
    const cases: [ListCase, unknown][] = [
      [CASES[3], { role: { in: ['NOPE'] } }],
      [CASES[6], { status: { in: ['SOMETIMES'] } }],
      [CASES[0], { status: { in: ['GONE'] } }],
      [CASES[2], { owner: f.roles[0].gid }],
      [CASES[2], { createdBy: f.apps[0].gid }],
      [CASES[2], { owner: 'not-a-global-id' }],
      [CASES[3], { createdBy: f.invites[0].gid }],
      [CASES[5], { actorId: f.roles[0].gid }],
      [CASES[6], { createdBy: encodeId('User', '99999999999999999999999') }],
      [CASES[0], { id: { in: [f.roles[0].gid] } }],
      [CASES[0], { id: { gt: encodeId('User', 'abc') } }],
      [CASES[0], { customData: { path: [] } }],
    ];
    for (const [c, filter] of cases) {
      const code = await errorCode(listQuery(c), { ...c.vars(), first: 5, filter }, admin.token);
      expect(code, `${c.field} ${JSON.stringify(filter)}`).not.toBe('INTERNAL');
      expect(code, `${c.field} ${JSON.stringify(filter)}`).toBeDefined();
    }
    expect(await errorCode(listQuery(CASES[2]), { first: 5, filter: { owner: f.roles[0].gid } })).toBe('BAD_INPUT');
  });
});

describe('totalCount is the whole filtered set', () => {
  it('first: 1 with a filter matching 3, and an empty page after the last cursor', async () => {
    const v = CASES[2];
    const filter = also(v, { owner: f.users[0].gid });
    const one = await page(v, { first: 1, filter });
    expect(one.edges).toHaveLength(1);
    expect(one.totalCount).toBe(3);
    const all = await page(v, { first: 3, filter });
    expect(all.pageInfo.hasNextPage).toBe(false);
    const after = await page(v, { first: 2, after: all.pageInfo.endCursor, filter });
    expect(after.edges).toEqual([]);
    expect(after.totalCount).toBe(3);
    expect(after.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null });
    const before = await page(v, { last: 2, before: all.pageInfo.startCursor, filter });
    expect(before.edges).toEqual([]);
    expect(before.totalCount).toBe(3);
    for (const c of CASES) {
      const p = await page(c, { first: 1 });
      const whole = await page(c, { first: 100 });
      expect(p.totalCount, c.field).toBe(whole.edges.length);
      const end = await page(c, { first: 1, after: whole.pageInfo.endCursor });
      expect(end.edges, c.field).toEqual([]);
      expect(end.totalCount, c.field).toBe(whole.edges.length);
    }
    const empty = await page(v, { first: 1, filter: also(v, { owner: admin.gid }) });
    expect(empty).toMatchObject({ totalCount: 0, edges: [] });
  });
});

describe('sessions access', () => {
  it('every session needs admin:sessions:read; your own do not', async () => {
    const Q = 'query($u: ID) { sessions(userId: $u, first: 100) { totalCount edges { node { id } } } }';
    const plain = await gw.user();
    const none = await gw.gql(Q, {}, plain.token);
    expect(none.body.errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect(none.body.data?.sessions ?? null).toBeNull();
    expect((await gw.gql(Q, { u: f.sessUser.gid }, plain.token)).body.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const mine = await gw.gql(Q, { u: plain.gid }, plain.token);
    expect(mine.body.errors).toBeUndefined();
    expect(mine.body.data.sessions.edges).toEqual([{ node: { id: encodeId('Session', plain.sessionId) } }]);
    expect((await gw.gql(Q, {})).body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');

    const role = await makeRole(gw, { name: `csess${RUN}`, rank: 5, scopes: ['admin:sessions:read'] });
    const reader = await gw.user({ roles: [role.name] });
    const everyone = await gw.gql(Q, {}, reader.token);
    expect(everyone.body.errors).toBeUndefined();
    const seen = new Set(everyone.body.data.sessions.edges.map((e: any) => e.node.id));
    expect(seen).toContain(encodeId('Session', plain.sessionId));
    for (const key of f.sessions) expect(seen).toContain(encodeId('Session', key));
    expect(everyone.body.data.sessions.totalCount).toBeGreaterThanOrEqual(everyone.body.data.sessions.edges.length);
    const theirs = await gw.gql(Q, { u: f.sessUser.gid }, reader.token);
    expect(theirs.body.errors).toBeUndefined();
    expect(theirs.body.data.sessions.totalCount).toBe(f.sessions.length);
  });
});
