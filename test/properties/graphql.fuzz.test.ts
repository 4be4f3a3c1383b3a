import fc from 'fast-check';
import { beforeAll, describe, it } from 'vitest';
import { expect } from 'vitest';
import { useGateway } from '../helpers/app.js';
import {
  anything,
  pick,
  caller,
  expectNoServerError,
  footprint,
  globalIdOf,
  nastyDate,
  nastyJson,
  nastyNumber,
  nastyString,
  optional,
  orJunk,
  partial,
  type Caller,
} from './arbitraries.js';

/**
 * Property: whatever variables a caller sends to a representative set of operations, the gateway
 * answers below 500, never with INTERNAL, and a refused request writes nothing. Filters stay within
 * the filter caps (at most 8 deep, 50 terms) that the filter-limits work enforces; the over-cap
 * cases are examples in inputs.test.ts.
 */
const gw = useGateway();
const tokens: Record<Caller, string | null> = { admin: null, moderator: null, plain: null, none: null };
const ids: string[] = [];

beforeAll(async () => {
  tokens.admin = (await gw.user({ roles: ['superadmin'] })).token;
  tokens.moderator = (await gw.user({ roles: ['moderator'] })).token;
  tokens.plain = (await gw.user()).token;
  for (let i = 0; i < 3; i++) ids.push((await gw.user({ username: `fuzz_target_${i}` })).id.toString());
});

const gid = () => orJunk(globalIdOf(ids));
const strings = (max = 4) => orJunk(fc.array(nastyString, { maxLength: max }));
const date = () => orJunk(nastyDate);

const text = partial({
  equals: nastyString,
  contains: nastyString,
  startsWith: nastyString,
  containsCaseSensitive: nastyString,
  equalsCaseSensitive: nastyString,
});
const leaf = fc.oneof(
  fc.record({ username: text }),
  fc.record({ email: text }),
  fc.record({ displayName: text }),
  fc.record({ domain: text }),
  fc.record({ local: orJunk(fc.boolean()) }),
  fc.record({ discriminator: nastyString }),
  fc.record({ status: fc.record({ in: orJunk(fc.array(fc.constantFrom('ACTIVE', 'DEACTIVATED', 'SUSPENDED', 'DELETED', 'NOPE'), { maxLength: 4 })) }) }),
  fc.record({ createdAt: partial({ gt: date(), gte: date(), lt: date(), lte: date() }) }),
  fc.record({ role: nastyString }),
  fc.record({ tags: partial({ any: strings(), all: strings() }) }),
  fc.record({ customData: partial({ path: strings(), equals: nastyJson, exists: fc.boolean() }) }),
  fc.record({ id: partial({ in: fc.array(gid(), { maxLength: 4 }), gt: gid() }) }),
  anything.map((junk) => ({ username: junk })),
);

/** A filter tree within the caps: at most 4 levels of and/or/not, two children each (≤ 16 leaves). */
const filter: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', maxDepth: 4, withCrossShrink: true },
    leaf,
    fc.record({ and: fc.array(tie('node'), { maxLength: 2 }) }),
    fc.record({ or: fc.array(tie('node'), { maxLength: 2 }) }),
    fc.record({ not: tie('node') }),
  ),
})).node;

const seenCursors: string[] = [];
const cursor = orJunk(
  fc.oneof(
    { weight: 3, arbitrary: pick(seenCursors) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom('CREATED_AT_ASC', 'ID_ASC', 'USERNAME_DESC', 'x'), nastyString, nastyString)
        .map((t) => Buffer.from(JSON.stringify(t)).toString('base64url')),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom('audit', 'invite', 'application', 'role', 'session'), nastyString)
        .map(([k, v]) => Buffer.from(`${k}:${v}`).toString('base64url')),
    },
    { weight: 1, arbitrary: nastyString },
  ),
);
const count = orJunk(
  fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 0, max: 100 }) },
    { weight: 1, arbitrary: fc.integer({ min: -2, max: 120 }) },
    { weight: 1, arbitrary: nastyNumber },
  ),
);

interface Operation {
  document: string;
  variables: fc.Arbitrary<Record<string, unknown>>;
}

const input = (fields: Record<string, fc.Arbitrary<unknown>>, required: Record<string, fc.Arbitrary<unknown>> = {}) =>
  fc.record({ input: orJunk(fc.tuple(fc.record(required), partial(fields)).map(([r, p]) => ({ ...r, ...p }))) });
const mutation = (name: string, select = '__typename') => {
  const type = `${name.charAt(0).toUpperCase()}${name.slice(1)}`;
  return `mutation($input: ${type}Input!) { ${name}(input: $input) { __typename ... on ${type}Success { ${select} } ... on Error { message code } } }`;
};

const operations: Operation[] = [
  {
    document:
      'query($first: Int, $last: Int, $after: String, $before: String, $offset: Int, $filter: UserFilter, $orderBy: UserOrderBy) { users(first: $first, last: $last, after: $after, before: $before, offset: $offset, filter: $filter, orderBy: $orderBy) { totalCount pageInfo { endCursor } edges { cursor node { id username createdAt roles { name } } } } }',
    variables: partial({
      first: count,
      last: count,
      after: cursor,
      before: cursor,
      offset: count,
      filter: orJunk(filter),
      orderBy: orJunk(fc.constantFrom('CREATED_AT_ASC', 'CREATED_AT_DESC', 'USERNAME_ASC', 'USERNAME_DESC', 'ID_ASC', 'ID_DESC')),
    }),
  },
  { document: 'query($id: ID!) { user(id: $id) { id username customData } node(id: $id) { id } }', variables: fc.record({ id: gid() }) },
  {
    document: 'query($u: String!, $d: String) { userByUsername(username: $u, domain: $d) { id } }',
    variables: fc.record({ u: orJunk(nastyString), d: optional(orJunk(nastyString)) }),
  },
  {
    document: 'query($first: Int, $after: String, $f: AuditLogFilter) { auditLog(first: $first, after: $after, filter: $f) { edges { cursor } } }',
    variables: partial({
      first: count,
      after: cursor,
      f: orJunk(partial({ action: nastyString, actorId: gid(), targetId: gid(), targetType: nastyString, from: date(), to: date() })),
    }),
  },
  {
    document: 'query($id: ID!, $after: String) { sessions(userId: $id, after: $after) { edges { cursor } } }',
    variables: fc.record({ id: gid(), after: optional(cursor) }),
  },
  {
    document:
      'query($after: String, $owner: ID) { invites(after: $after, filter: { owner: $owner }) { edges { cursor } } roles(after: $after) { edges { cursor } } }',
    variables: partial({ after: cursor, owner: gid() }),
  },
  {
    document: 'query($id: ID!, $scope: String!) { explainAccess(userId: $id, scope: $scope) { __typename } }',
    variables: fc.record({ id: gid(), scope: orJunk(nastyString) }),
  },
  {
    document: mutation('createUser', 'user { id }'),
    variables: input(
      {
        email: nastyString,
        password: nastyString,
        displayName: nastyString,
        domain: nastyString,
        role: nastyString,
        tags: strings(),
        customData: nastyJson,
        flags: nastyNumber,
        timezone: nastyString,
        phone: nastyString,
        countryCode: nastyString,
        bio: nastyString,
      },
      { username: orJunk(nastyString) },
    ),
  },
  {
    document: mutation('updateUser'),
    variables: input(
      {
        username: nastyString,
        email: nastyString,
        displayName: nastyString,
        tags: strings(),
        customData: nastyJson,
        flags: nastyNumber,
        avatarHash: nastyString,
      },
      { id: gid() },
    ),
  },
  { document: mutation('tagUsers'), variables: input({ ids: fc.array(gid(), { maxLength: 3 }), usernames: strings() }, { tags: strings() }) },
  { document: mutation('updateCustomData'), variables: input({ mode: orJunk(fc.constantFrom('MERGE', 'REPLACE')) }, { id: gid(), data: nastyJson }) },
  {
    document: mutation('adjustCredits'),
    variables: input({}, { userId: gid(), operation: orJunk(fc.constantFrom('INCREMENT', 'DECREMENT', 'SET')), value: count }),
  },
  { document: mutation('suspendUser'), variables: input({ until: date(), reason: nastyString }, { id: gid() }) },
  {
    document: mutation('assignRole'),
    variables: input({ startsAt: date(), expiresAt: date() }, { userId: gid(), role: orJunk(fc.constantFrom('moderator', 'admin', 'nope')) }),
  },
  {
    document: mutation('createInvite', 'invite { code }'),
    variables: input({ code: nastyString, email: nastyString, expiresAt: date(), maxUses: count, name: nastyString, owner: gid(), unlimited: fc.boolean() }),
  },
  {
    document: mutation('setScopes'),
    variables: input(
      { expiresAt: date() },
      {
        targets: fc.array(gid(), { maxLength: 3 }),
        targetType: orJunk(fc.constantFrom('USER', 'APPLICATION')),
        scopes: orJunk(fc.array(fc.oneof(fc.constantFrom('admin:profile:read', 'admin:users:read'), nastyString), { maxLength: 3 })),
        operation: orJunk(fc.constantFrom('SET', 'ADD', 'REMOVE')),
      },
    ),
  },
  {
    // Always a dry run: a real bulk change over a random filter would suspend the callers themselves.
    document: mutation('bulkUpdateUsers'),
    variables: fc
      .record({
        filter: orJunk(filter),
        action: orJunk(fc.constantFrom('TAG', 'UNTAG', 'SUSPEND', 'UNSUSPEND', 'ASSIGN_ROLE', 'REVOKE_ROLE')),
        rest: partial({ tags: strings(), role: nastyString, until: date(), expiresAt: date(), reason: nastyString }),
      })
      .map(({ filter: f, action, rest }) => ({ input: { filter: f, action, dryRun: true, ...rest } })),
  },
];

/** Sometimes a whole variable is replaced by junk, or an unused one is added. */
const request = fc
  .tuple(fc.nat({ max: operations.length - 1 }), caller)
  .chain(([i, who]) =>
    fc.tuple(
      fc.constant(i),
      fc.constant(who),
      operations[i].variables,
      fc.option(fc.tuple(fc.constantFrom('input', 'id', 'filter', 'unused'), nastyJson), { freq: 12 }),
    ),
  );

describe('GraphQL inputs (property)', () => {
  it('never a 5xx or INTERNAL; a refusal writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(request, async ([i, who, variables, swap]) => {
        const vars = swap ? { ...variables, [swap[0]]: swap[1] } : variables;
        const before = await footprint(gw);
        const res = await gw.request('/graphql', { method: 'POST', token: tokens[who], json: { query: operations[i].document, variables: vars } });
        const text = await res.text();
        const what = `${who} ${operations[i].document.slice(0, 60)} ${JSON.stringify(vars).slice(0, 300)}`;
        expectNoServerError(res.status, text, what);
        const body = JSON.parse(text);
        // Cursors the server made feed later samples (a real cursor of another order or type is input too).
        for (const m of text.matchAll(/"(?:cursor|endCursor)":"([A-Za-z0-9_-]+)"/g)) if (seenCursors.length < 200) seenCursors.push(m[1]);
        const payloads = Object.values(body.data ?? {}) as { __typename?: string }[];
        const refused = res.status >= 400 || !!body.errors?.length || payloads.some((p) => p?.__typename?.endsWith('Error'));
        if (refused) expect(await footprint(gw), `${what} wrote on a refusal: ${text.slice(0, 300)}`).toBe(before);
      }),
      { numRuns: 200 },
    );
  });
});
