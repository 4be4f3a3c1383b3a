import { decodeGlobalID } from '@pothos/plugin-relay';
import { beforeAll, expect } from 'vitest';
import type { TestGateway } from './app.js';
import { type MadeUser, makeApplication, makeAuditEvent, makeInvite, makeMailJob, makeRole, makeSession } from './factories.js';

/**
 * Fixtures and request helpers of the connection tests (test/graphql/connections-*.test.ts): a few
 * rows of every list of the connection engine (db/connection.ts), built in the calling file's own
 * gateway, and one ListCase per list restricting it to those rows.
 */

/**
 * Letters only: lower(name) then sorts the same under any collation and in JS. None of a–f, the
 * letters the fixtures' suffixes start with (`letters(i)`), so a suffix such as "af" occurs in a
 * name only as its suffix and a `contains` on it matches that one name.
 */
export const RUN = Math.random()
  .toString(36)
  .replace(/[^g-z]/g, '')
  .slice(0, 5)
  .padEnd(5, 'q');
export const letters = (i: number) => String.fromCharCode(97 + Math.floor(i / 26), 97 + (i % 26));

const PAGE_INFO = 'pageInfo { hasNextPage hasPreviousPage startCursor endCursor }';
type Key = bigint | number | string;

export interface ListCase {
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
export const TIMESTAMP_STEMS = new Set(['CREATED_AT', 'EXPIRES_AT', 'LAST_SEEN_AT']);

export interface ConnectionFixtures {
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
}

const filterType = (c: ListCase) => (c.field === 'auditLog' ? 'AuditLogFilter' : `${c.type}Filter`);
export const orderType = (c: ListCase) => (c.field === 'auditLog' ? 'AuditLogOrderBy' : `${c.type}OrderBy`);
export const ids = (conn: any): string[] => conn.edges.map((e: any) => e.node.id);
export const sorted = (xs: string[]) => [...xs].sort();
/**
 * The ids of `nodes` whose `field` is >= or < `bound`, checked to be a proper, non-empty part of them.
 * DateTime answers milliseconds while PostgreSQL keeps microseconds: on a millisecond bound, gte and
 * lt hold of the stored value exactly when they hold of its milliseconds (gt and lte would not).
 */
export function inRange(nodes: any[], field: string, op: 'gte' | 'lt', bound: string): string[] {
  const at = Date.parse(bound);
  const ids = nodes.filter((n) => (op === 'gte' ? Date.parse(n[field]) >= at : Date.parse(n[field]) < at)).map((n) => n.id);
  expect(ids.length).toBeGreaterThan(0);
  expect(ids.length).toBeLessThan(nodes.length);
  return sorted(ids);
}
/** The case's own filter (which keeps to this file's fixtures) and `extra`, both holding. */
export const also = (c: ListCase, extra: Record<string, unknown>) => ({ and: [c.vars().filter, extra] });

/**
 * Registers a beforeAll (after the calling file's useGateway) that builds the fixtures, and answers
 * the list cases and the request helpers over them; `admin` is readable once that beforeAll has run.
 */
export function useConnectionFixtures(gw: TestGateway) {
  let admin: MadeUser;
  const f = {} as ConnectionFixtures;

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

  /** The node ids of `c` (restricted to the fixtures unless `vars` replaces the filter) matching `filter`. */
  async function matching(c: ListCase, filter: unknown, vars: Record<string, unknown> = {}, token = admin.token): Promise<string[]> {
    const res = await gw.gql(listQuery(c, 'totalCount edges { node { id } }'), { ...c.vars(), first: 100, ...vars, filter }, token);
    expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
    const conn = res.body.data[c.field];
    expect(conn.totalCount).toBe(conn.edges.length);
    return ids(conn).sort();
  }

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
    for (let i = 0; i < 5; i++)
      f.mailJobs.push((await makeMailJob(gw, { by: f.mailAdmin.id, subject: i < 2 ? `cmail${RUN} urgent` : `cmail${RUN} news` })).gid);
  });

  return {
    f,
    CASES,
    listQuery,
    page,
    errorCode,
    enumValues,
    matching,
    get admin() {
      return admin;
    },
  };
}
