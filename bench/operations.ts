/**
 * The bench's operations: the gateway's GraphQL document, the raw server's path and PostGraphile's
 * document for the same work, and how their answers are compared (the same users, in order).
 */

export const OFFSET = 9950;
const NODE = 'id username email createdAt roles { name }';
const PG_NODE = 'rowId username email createdAt userRolesByUserId { nodes { roleByRoleId { name } } }';
const PG_ORDER = 'orderBy: [CREATED_AT_ASC, PRIMARY_KEY_ASC]';
const EXPLAIN = 'held via { kind role { name } grantedScope startsAt expiresAt active }';

/** How the gateway counts a filtered list: `totalCount`, or the count strategies (once the schema has them). */
export type CountMode = 'totalCount' | 'strategies';

export interface Operation {
  gateway: string;
  raw?: string;
  pg?: string;
  /** The same document on bare graphql-yoga (bench/yoga-server.ts): the floor of the gateway's stack. */
  yoga?: string;
  /** Whose throughput the peers line divides by. */
  peer: 'pg' | 'raw';
  /** The count each side runs (said on the bench's `counts` line). */
  counts?: { gateway: string; pg: string };
}

const gwCount = (mode: CountMode, strategy: 'CAPPED' | 'EXACT') => (mode === 'strategies' ? `count(strategy: ${strategy}) { value exact }` : 'totalCount');

export function operations(moderator: string, mode: CountMode): Record<string, Operation> {
  const search = 'filter: { username: { contains: "ab" } }';
  const pgSearch = 'filter: { username: { includesInsensitive: "ab" } }';
  const capped = gwCount(mode, 'CAPPED');
  const exact = gwCount(mode, 'EXACT');
  return {
    users_page: {
      gateway: `{ users(first: 50) { totalCount edges { node { ${NODE} } } } }`,
      raw: '/page',
      pg: `{ allUsers(first: 50, ${PG_ORDER}) { totalCount nodes { ${PG_NODE} } } }`,
      peer: 'pg',
      counts: { gateway: 'totalCount (kept count)', pg: 'totalCount (count(*))' },
    },
    users_search: {
      gateway: `{ users(first: 50, ${search}) { ${capped} edges { node { ${NODE} } } } }`,
      raw: '/search',
      pg: `{ allUsers(first: 50, ${PG_ORDER}, ${pgSearch}) { totalCount nodes { ${PG_NODE} } } }`,
      peer: 'pg',
      counts: { gateway: mode === 'strategies' ? 'count(strategy: CAPPED)' : 'totalCount (exact; no count strategies yet)', pg: 'totalCount (exact)' },
    },
    users_search_exact: {
      gateway: `{ users(first: 50, ${search}) { ${exact} edges { node { ${NODE} } } } }`,
      pg: `{ allUsers(first: 50, ${PG_ORDER}, ${pgSearch}) { totalCount nodes { ${PG_NODE} } } }`,
      peer: 'pg',
      counts: { gateway: mode === 'strategies' ? 'count(strategy: EXACT)' : 'totalCount (exact)', pg: 'totalCount (exact)' },
    },
    offset_page: {
      gateway: `{ users(first: 50, offset: ${OFFSET}) { edges { node { ${NODE} } } } }`,
      raw: '/offset',
      pg: `{ allUsers(first: 50, offset: ${OFFSET}, ${PG_ORDER}) { nodes { ${PG_NODE} } } }`,
      peer: 'raw',
    },
    trivial: { gateway: '{ __typename }', raw: '/trivial', pg: '{ __typename }', yoga: '{ __typename }', peer: 'pg' },
    users_custom_data: {
      gateway: `{ users(first: 50, filter: { customData: { path: ["plan"], equals: "team" } }) { totalCount edges { node { ${NODE} } } } }`,
      raw: '/custom-data',
      peer: 'raw',
    },
    explain_access: {
      gateway: `{ explainAccess(userId: "${moderator}", scope: "admin:users:read") { ${EXPLAIN} } }`,
      raw: `/explain?user=${Buffer.from(moderator, 'base64').toString().split(':')[1]}`,
      peer: 'raw',
    },
  };
}

interface Row {
  id: string;
  username: string;
  email: string;
  createdAt: string;
  roles: string[];
}

/** One answer as comparable rows: numeric id, millisecond time, role names as a sorted set; the exact count if it has one. */
// biome-ignore lint/suspicious/noExplicitAny: the bench reads known answers of its own documents
export function normalize(side: 'gateway' | 'raw' | 'pg', answer: any): { count: number | null; rows: Row[] } | unknown {
  const ms = (t: string) => new Date(t).toISOString();
  if (side === 'pg') {
    const list = answer?.data?.allUsers;
    if (!list) return answer?.data ?? answer;
    return {
      count: list.totalCount ?? null,
      // biome-ignore lint/suspicious/noExplicitAny: as above
      rows: list.nodes.map((n: any) => ({
        id: n.rowId,
        username: n.username,
        email: n.email,
        createdAt: ms(n.createdAt),
        // biome-ignore lint/suspicious/noExplicitAny: as above
        roles: n.userRolesByUserId.nodes.map((r: any) => r.roleByRoleId.name).sort(),
      })),
    };
  }
  const list = answer?.data?.users;
  if (!list) return answer?.data ?? answer;
  const count = list.totalCount ?? (list.count?.exact ? list.count.value : null);
  return {
    count,
    // biome-ignore lint/suspicious/noExplicitAny: as above
    rows: list.edges.map(({ node: n }: any) => ({
      id: Buffer.from(n.id, 'base64').toString().split(':')[1],
      username: n.username,
      email: n.email,
      createdAt: ms(n.createdAt),
      // biome-ignore lint/suspicious/noExplicitAny: as above
      roles: n.roles.map((r: any) => r.name).sort(),
    })),
  };
}
