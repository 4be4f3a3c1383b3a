import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useGateway } from '../../helpers/app.js';
import { encodeId } from '../../../src/graphql/ids.js';

const gw = useGateway();

const count = async (table: string) => Number((await gw.database.rows<{ n: number }>(sql.raw(`select count(*)::int as n from ${table}`)))[0].n);

const CREATE = `mutation($input: CreateUserInput!) { createUser(input: $input) {
  __typename ... on CreateUserSuccess { user { id username email status roles { name } } }
  ... on Error { message code } ... on BadInputError { fields { path message } } ... on ConflictError { fields { path message } } } }`;

describe('users queries', () => {
  it('viewer answers the caller and needs a token', async () => {
    const me = await gw.user();
    const ok = await gw.gql('{ viewer { id username isStaff roles { name } } }', {}, me.token);
    expect(ok.body.data.viewer).toMatchObject({ id: me.gid, username: me.username, isStaff: false, roles: [] });
    const anon = await gw.gql('{ viewer { id } }');
    expect(anon.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('user(id), node(id) and userByUsername need admin:users:read for others, not for oneself', async () => {
    const reader = await gw.user({ roles: ['moderator'] });
    const plain = await gw.user();
    const q = `query($id: ID!, $name: String!) { user(id: $id) { username } node(id: $id) { ... on User { username } } userByUsername(username: $name) { id } }`;
    const vars = { id: reader.gid, name: reader.username.toUpperCase() };
    const allowed = await gw.gql(q, vars, reader.token);
    expect(allowed.body.errors).toBeUndefined();
    expect(allowed.body.data).toEqual({ user: { username: reader.username }, node: { username: reader.username }, userByUsername: { id: reader.gid } });
    const denied = await gw.gql(q, vars, plain.token);
    expect(denied.body.errors.map((e: any) => e.extensions.code)).toContain('FORBIDDEN');
    expect(denied.body.data?.user ?? null).toBeNull();
    const self = await gw.gql(`query($id: ID!) { user(id: $id) { username } }`, { id: plain.gid }, plain.token);
    expect(self.body.data.user.username).toBe(plain.username);
  });

  it('without admin:users:read, an existing account and a missing one answer alike (userByUsername, user, node)', async () => {
    const plain = await gw.user();
    const other = await gw.user();
    const byName = `query($name: String!, $domain: String) { userByUsername(username: $name, domain: $domain) { id username } }`;
    const byId = `query($id: ID!) { user(id: $id) { id username } }`;
    const strip = (body: any) => ({ data: body.data, errors: body.errors?.map((e: any) => ({ message: e.message, code: e.extensions?.code, path: e.path })) });
    const existing = await gw.gql(byName, { name: other.username }, plain.token);
    const missing = await gw.gql(byName, { name: 'nobody_by_that_name' }, plain.token);
    const remote = await gw.gql(byName, { name: other.username, domain: 'elsewhere.example' }, plain.token);
    expect(strip(existing.body)).toEqual({ data: { userByUsername: null }, errors: [{ message: 'Not allowed', code: 'FORBIDDEN', path: ['userByUsername'] }] });
    expect(strip(missing.body)).toEqual(strip(existing.body));
    expect(strip(remote.body)).toEqual(strip(existing.body));
    expect(existing.status).toBe(missing.status);
    const missingGid = encodeId('User', 999_999_999n);
    const otherById = await gw.gql(byId, { id: other.gid }, plain.token);
    const missingById = await gw.gql(byId, { id: missingGid }, plain.token);
    expect(strip(otherById.body)).toEqual({ data: { user: null }, errors: [{ message: 'Not allowed', code: 'FORBIDDEN', path: ['user'] }] });
    expect(strip(missingById.body)).toEqual(strip(otherById.body));
    const byNode = `query($id: ID!) { node(id: $id) { id ... on User { username } } }`;
    const otherNode = await gw.gql(byNode, { id: other.gid }, plain.token);
    expect(strip(otherNode.body)).toEqual({ data: { node: null }, errors: [{ message: 'Not allowed', code: 'FORBIDDEN', path: ['node'] }] });
    expect(strip((await gw.gql(byNode, { id: missingGid }, plain.token)).body)).toEqual(strip(otherNode.body));
    // Oneself still answers, and a reader still tells them apart.
    expect((await gw.gql(byName, { name: plain.username }, plain.token)).body.data.userByUsername.username).toBe(plain.username);
    const reader = await gw.user({ roles: ['moderator'] });
    expect((await gw.gql(byName, { name: 'nobody_by_that_name' }, reader.token)).body).toEqual({ data: { userByUsername: null } });
    expect((await gw.gql(byName, { name: other.username }, reader.token)).body.data.userByUsername.id).toBe(other.gid);
  });

  it('users needs admin:users:read', async () => {
    const plain = await gw.user();
    const res = await gw.gql('{ users(first: 1) { totalCount } }', {}, plain.token);
    expect(res.body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(res.body.data).toBeNull();
  });

  it('pages forwards and backwards with keyset cursors, counts, filters and orders', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const prefix = `pg${Date.now().toString(36)}`;
    for (const n of ['Delta', 'alpha', 'Charlie', 'bravo', 'echo']) {
      await gw.user({ username: `${prefix}_${n}` });
    }
    const q = `query($first: Int, $last: Int, $after: String, $before: String, $filter: UserFilter, $orderBy: UserOrderBy) {
      users(first: $first, last: $last, after: $after, before: $before, filter: $filter, orderBy: $orderBy) {
        totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { username } } } }`;
    const filter = { username: { startsWith: prefix } };
    const names = (r: any) => r.body.data.users.edges.map((e: any) => e.node.username.slice(prefix.length + 1));
    const p1 = await gw.gql(q, { first: 2, filter, orderBy: 'USERNAME_ASC' }, admin.token);
    expect(p1.body.errors).toBeUndefined();
    expect(names(p1)).toEqual(['alpha', 'bravo']);
    expect(p1.body.data.users.totalCount).toBe(5);
    expect(p1.body.data.users.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const p2 = await gw.gql(q, { first: 2, after: p1.body.data.users.pageInfo.endCursor, filter, orderBy: 'USERNAME_ASC' }, admin.token);
    expect(names(p2)).toEqual(['Charlie', 'Delta']);
    const p3 = await gw.gql(q, { first: 2, after: p2.body.data.users.pageInfo.endCursor, filter, orderBy: 'USERNAME_ASC' }, admin.token);
    expect(names(p3)).toEqual(['echo']);
    expect(p3.body.data.users.pageInfo.hasNextPage).toBe(false);
    const back = await gw.gql(q, { last: 2, before: p3.body.data.users.pageInfo.startCursor, filter, orderBy: 'USERNAME_ASC' }, admin.token);
    expect(names(back)).toEqual(['Charlie', 'Delta']);
    expect(back.body.data.users.pageInfo.hasPreviousPage).toBe(true);
    const desc = await gw.gql(q, { first: 5, filter, orderBy: 'USERNAME_DESC' }, admin.token);
    expect(names(desc)).toEqual(['echo', 'Delta', 'Charlie', 'bravo', 'alpha']);
    const byDate = await gw.gql(q, { first: 5, filter, orderBy: 'CREATED_AT_ASC' }, admin.token);
    expect(names(byDate)).toEqual(['Delta', 'alpha', 'Charlie', 'bravo', 'echo']);
    const byDate2 = await gw.gql(q, { first: 2, after: byDate.body.data.users.edges[1].cursor, filter, orderBy: 'CREATED_AT_ASC' }, admin.token);
    expect(names(byDate2)).toEqual(['Charlie', 'bravo']);

    const tree = {
      and: [filter, { or: [{ username: { contains: 'ALPHA' } }, { username: { contains: 'cho' } }] }],
      not: { username: { equals: `${prefix}_echo` } },
    };
    const t = await gw.gql(q, { first: 10, filter: tree, orderBy: 'USERNAME_ASC' }, admin.token);
    expect(names(t)).toEqual(['alpha']);
    const cs = await gw.gql(q, { first: 10, filter: { and: [filter, { username: { containsCaseSensitive: 'elta' } }] } }, admin.token);
    expect(names(cs)).toEqual(['Delta']);
    const cs2 = await gw.gql(q, { first: 10, filter: { and: [filter, { username: { containsCaseSensitive: 'DELTA' } }] } }, admin.token);
    expect(names(cs2)).toEqual([]);
    const future = await gw.gql(q, { first: 10, filter: { and: [filter, { createdAt: { gt: new Date(Date.now() + 60_000).toISOString() } }] } }, admin.token);
    expect(names(future)).toEqual([]);
    const status = await gw.gql(q, { first: 10, filter: { and: [filter, { status: { in: ['DELETED'] } }] } }, admin.token);
    expect(names(status)).toEqual([]);
  });

  it('filters by role and escapes LIKE wildcards', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const mod = await gw.user({ username: `mod_${Date.now()}`, roles: ['moderator'] });
    const res = await gw.gql(
      `query($f: UserFilter) { users(first: 100, filter: $f) { edges { node { username roles { name } } } } }`,
      { f: { role: 'MODERATOR' } },
      admin.token,
    );
    const found = res.body.data.users.edges.map((e: any) => e.node);
    expect(found.map((u: any) => u.username)).toContain(mod.username);
    expect(found.every((u: any) => u.roles.some((r: any) => r.name === 'moderator'))).toBe(true);
    const wild = await gw.gql(`{ users(first: 5, filter: { username: { contains: "%" } }) { totalCount } }`, {}, admin.token);
    expect(wild.body.data.users.totalCount).toBe(0);
  });

  it('refuses first above 1,000, both first and last, bad cursors and bad ids with BAD_INPUT', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    for (const [query, field] of [
      ['{ users(first: 1001) { totalCount } }', 'first'],
      ['{ users(first: 1, last: 1) { totalCount } }', 'last'],
      ['{ users(first: 1, after: "nonsense") { totalCount } }', 'after'],
      ['{ users(first: 1, offset: 10001) { totalCount } }', 'offset'],
      ['{ user(id: "bm9wZQ") { id } }', 'id'],
    ]) {
      const res = await gw.gql(query, {}, admin.token);
      expect(res.status, query).toBe(200);
      expect(res.body.errors[0].extensions.code, query).toBe('BAD_INPUT');
      expect(JSON.stringify(res.body.errors[0].extensions.fields ?? [])).toContain(field);
    }
    const cursor = (await gw.gql('{ users(first: 1, orderBy: USERNAME_ASC) { pageInfo { endCursor } } }', {}, admin.token)).body.data.users.pageInfo.endCursor;
    const mismatch = await gw.gql(`query($c: String) { users(first: 1, after: $c, orderBy: CREATED_AT_DESC) { totalCount } }`, { c: cursor }, admin.token);
    expect(mismatch.body.errors[0].extensions.code).toBe('BAD_INPUT');
  });

  it('never exposes password hashes', async () => {
    const res = await gw.gql('{ __type(name: "User") { fields { name } } }');
    const names = res.body.data.__type.fields.map((f: any) => f.name.toLowerCase());
    expect(names.some((n: string) => n.includes('password') || (n.includes('hash') && n !== 'avatarhash'))).toBe(false);
  });
});

describe('users mutations', () => {
  it('createUser: denied without admin:users:write, nothing written', async () => {
    const plain = await gw.user();
    const before = await count('users');
    const res = await gw.gql(CREATE, { input: { username: 'nobody_writes', email: 'nw@example.org' } }, plain.token);
    expect(res.body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(await count('users')).toBe(before);
  });

  it('createUser: happy path, audited in the same transaction', async () => {
    const mod = await gw.user({ roles: ['moderator'] });
    const audits = await count('audit_log');
    const res = await gw.gql(
      CREATE,
      {
        input: {
          username: 'created_one',
          email: 'Created.One@Example.org',
          password: 'correct horse',
          displayName: 'Created',
          countryCode: 'DE',
          tags: ['a'],
          customData: { level: 3 },
        },
      },
      mod.token,
    );
    expect(res.body.data.createUser).toMatchObject({ __typename: 'CreateUserSuccess', user: { username: 'created_one', status: 'ACTIVE', roles: [] } });
    expect(await count('audit_log')).toBe(audits + 1);
    const [row] = await gw.database.rows<any>(sql`select action, actor_id::text as actor, diff from audit_log order by seq desc limit 1`);
    expect(row).toMatchObject({ action: 'user.create', actor: mod.id.toString() });
    expect(JSON.stringify(row.diff)).not.toContain('argon2');
    const login = await gw.gql(`mutation { login(username: "CREATED_ONE", password: "correct horse") { user { username } } }`);
    expect(login.body.data.login.user.username).toBe('created_one');
  });

  it('createUser: bad input is a typed result with field paths; nothing written', async () => {
    const mod = await gw.user({ roles: ['moderator'] });
    const before = [await count('users'), await count('audit_log')];
    for (const input of [
      { username: 'x', email: 'a@b.org' },
      { username: 'ok_name', email: 'not-an-email' },
      { username: 'ok_name', flags: 1 },
      { username: 'ok_name', password: 'short' },
      { username: 'ok_name', timezone: 'Mars/Olympus' },
      { username: 'has@at' },
    ]) {
      const res = await gw.gql(CREATE, { input }, mod.token);
      expect(res.body.data.createUser.__typename, JSON.stringify(input)).toBe('BadInputError');
      expect(res.body.data.createUser.fields[0].path[0]).toBe('input');
    }
    const wrongType = await gw.gql(CREATE, { input: { username: 42 } }, mod.token);
    expect(wrongType.status).toBe(400);
    expect([await count('users'), await count('audit_log')]).toEqual(before);
  });

  it('createUser: duplicate username (any case) or email is a conflict', async () => {
    const mod = await gw.user({ roles: ['moderator'] });
    await gw.gql(CREATE, { input: { username: 'Dupe', email: 'dupe@example.org' } }, mod.token);
    const before = await count('users');
    const byName = await gw.gql(CREATE, { input: { username: 'dUPE', email: 'other@example.org' } }, mod.token);
    expect(byName.body.data.createUser).toMatchObject({ __typename: 'ConflictError', fields: [{ path: ['input', 'username'] }] });
    const byMail = await gw.gql(CREATE, { input: { username: 'dupe2', email: 'DUPE@example.org' } }, mod.token);
    expect(byMail.body.data.createUser).toMatchObject({ __typename: 'ConflictError', fields: [{ path: ['input', 'email'] }] });
    const remote = await gw.gql(CREATE, { input: { username: 'Dupe', domain: 'social.example' } }, mod.token);
    expect(remote.body.data.createUser.__typename).toBe('CreateUserSuccess');
    expect(await count('users')).toBe(before + 1);
  });

  it('updateUser: partial update, audit diff, access and not-found', async () => {
    const mod = await gw.user({ roles: ['moderator'] });
    const target = await gw.user();
    const UPDATE = `mutation($input: UpdateUserInput!) { updateUser(input: $input) { __typename
      ... on UpdateUserSuccess { user { displayName bio flags pronouns } } ... on Error { code message } } }`;
    const denied = await gw.gql(UPDATE, { input: { id: target.gid, bio: 'x' } }, target.token);
    expect(denied.body.errors[0].extensions.code).toBe('FORBIDDEN');
    const ok = await gw.gql(UPDATE, { input: { id: target.gid, displayName: 'Tee', bio: 'hello', flags: 4 } }, mod.token);
    expect(ok.body.data.updateUser).toEqual({ __typename: 'UpdateUserSuccess', user: { displayName: 'Tee', bio: 'hello', flags: 4, pronouns: null } });
    const cleared = await gw.gql(UPDATE, { input: { id: target.gid, bio: null } }, mod.token);
    expect(cleared.body.data.updateUser.user).toMatchObject({ displayName: 'Tee', bio: null });
    const [audit] = await gw.database.rows<any>(sql`select diff from audit_log where action = 'user.update' order by seq desc limit 1`);
    expect(audit.diff).toEqual({ bio: { from: 'hello', to: null } });
    const missing = await gw.gql(UPDATE, { input: { id: Buffer.from('User:999999').toString('base64'), bio: 'x' } }, mod.token);
    expect(missing.body.data.updateUser).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
    const staff = await gw.gql(UPDATE, { input: { id: target.gid, flags: 3 } }, mod.token);
    expect(staff.body.data.updateUser.__typename).toBe('BadInputError');
  });

  it('deleteUser scrubs identity, revokes sessions, seals a snapshot; restoreUser brings it back', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const target = await gw.user({ username: 'to_delete', email: 'to.delete@example.org' });
    await gw.gql(
      `mutation($i: UpdateUserInput!) { updateUser(input: $i) { __typename } }`,
      { i: { id: target.gid, displayName: 'Doomed', bio: 'bye' } },
      admin.token,
    );
    const mod = await gw.user({ roles: ['moderator'] });
    const DELETE = `mutation($input: DeleteUserInput!) { deleteUser(input: $input) { __typename ... on DeleteUserSuccess { user { username email displayName status deletedAt } } ... on Error { code } } }`;
    const denied = await gw.gql(DELETE, { input: { id: target.gid } }, mod.token);
    expect(denied.body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await gw.gql('{ viewer { id } }', {}, target.token)).body.data.viewer.id).toBe(target.gid);

    const res = await gw.gql(DELETE, { input: { id: target.gid, reason: 'spam' } }, admin.token);
    const user = res.body.data.deleteUser.user;
    expect(user.username).toMatch(/^Deleted User [0-9a-f]{8}$/);
    expect(user).toMatchObject({ email: null, displayName: null, status: 'DELETED' });
    expect(user.deletedAt).toBeTruthy();
    // Every session ends at once: the target's token is refused on the next request.
    expect((await gw.gql('{ viewer { id } }', {}, target.token)).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const again = await gw.gql(DELETE, { input: { id: target.gid } }, admin.token);
    expect(again.body.data.deleteUser.__typename).toBe('ConflictError');

    const restored = await gw.gql(
      `mutation($input: RestoreUserInput!) { restoreUser(input: $input) { __typename ... on RestoreUserSuccess { user { username email displayName bio status } } } }`,
      { input: { id: target.gid } },
      admin.token,
    );
    expect(restored.body.data.restoreUser).toEqual({
      __typename: 'RestoreUserSuccess',
      user: { username: 'to_delete', email: 'to.delete@example.org', displayName: 'Doomed', bio: 'bye', status: 'ACTIVE' },
    });
    // The old session stays revoked after a restore.
    expect((await gw.gql('{ viewer { id } }', {}, target.token)).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('restoreUser reports a conflict when the identity was taken meanwhile', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const target = await gw.user({ username: 'taken_later' });
    await gw.gql(`mutation($i: DeleteUserInput!) { deleteUser(input: $i) { __typename } }`, { i: { id: target.gid } }, admin.token);
    await gw.user({ username: 'TAKEN_LATER' });
    const res = await gw.gql(
      `mutation($i: RestoreUserInput!) { restoreUser(input: $i) { __typename ... on ConflictError { message fields { path } } } }`,
      { i: { id: target.gid } },
      admin.token,
    );
    expect(res.body.data.restoreUser.__typename).toBe('ConflictError');
  });
});

describe('node(id)', () => {
  it('loads users and roles by global ID; a malformed ID is BAD_INPUT, an unknown one null', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const role = Buffer.from('Role:1').toString('base64');
    const res = await gw.gql(
      `query($u: ID!, $r: ID!) { u: node(id: $u) { id ... on User { username } } r: node(id: $r) { ... on Role { name rank } } }`,
      { u: admin.gid, r: role },
      admin.token,
    );
    expect(res.body.data).toEqual({ u: { id: admin.gid, username: admin.username }, r: { name: 'superadmin', rank: 1000 } });
    const bad = await gw.gql('{ node(id: "not-an-id") { id } }', {}, admin.token);
    expect(bad.body.errors[0].extensions.code).toBe('BAD_INPUT');
    const unknown = await gw.gql(`{ node(id: "${Buffer.from('User:987654').toString('base64')}") { id } }`, {}, admin.token);
    expect(unknown.body.data.node).toBeNull();
    expect((await gw.gql(`query($u: ID!) { node(id: $u) { id } }`, { u: admin.gid })).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });
});
