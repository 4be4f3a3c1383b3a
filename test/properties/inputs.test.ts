import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/graphql/ids.js';
import { useGateway } from '../helpers/app.js';
import { restClient } from '../helpers/clients.js';

/**
 * The inputs the hardening issue found reaching an INTERNAL error or a 500, one example each: every
 * one must be a 4xx / BAD_INPUT in the caller's dialect, and write nothing.
 */
const gw = useGateway();
const TOO_BIG = '9223372036854775808'; // 2^63
const MAX = '9223372036854775807';

const audits = async () => Number((await gw.database.rows<{ n: number }>(sql`select count(*)::int as n from audit_log`))[0].n);
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** POST /graphql with a raw body (for values JSON.stringify cannot build, e.g. 100,000 levels deep). */
async function rawGql(body: string, token: string | null = null) {
  const res = await gw.request('/graphql', { method: 'POST', token, headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, body: (await res.json()) as any };
}

/** The answer is a refusal with BAD_INPUT (status 400 for request-level errors, a typed BadInputError for payloads). */
function expectBadInput(res: { status: number; body: any }, field?: string) {
  expect(res.status).toBeLessThan(500);
  expect(JSON.stringify(res.body)).not.toContain('INTERNAL');
  if (res.body.errors) {
    expect(res.body.errors[0].extensions.code).toBe('BAD_INPUT');
  } else {
    const payload = Object.values(res.body.data)[0] as any;
    expect(payload?.__typename ?? payload, JSON.stringify(res.body)).toBe(field ?? 'BadInputError');
  }
}

let admin: Awaited<ReturnType<typeof gw.user>>;
let target: Awaited<ReturnType<typeof gw.user>>;
beforeAll(async () => {
  admin = await gw.user({ roles: ['superadmin'] });
  target = await gw.user({ username: 'inputs_target' });
});

describe('GraphQL: inputs that used to reach INTERNAL', () => {
  it('a 100,000-deep unused JSON variable is a 400 BAD_INPUT, anonymous callers included', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    for (const token of [null, admin.token]) {
      const res = await rawGql(`{"query":"{ __typename }","variables":{"x":${deep}}}`, token);
      expect(res.status).toBe(400);
      expect(res.body.errors[0].extensions.code).toBe('BAD_INPUT');
    }
    const objects = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    const res = await rawGql(`{"query":"{ __typename }","variables":{"x":${objects}}}`);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions.code).toBe('BAD_INPUT');
  });

  it('JSON nested deeper than 64 levels is refused; 64 levels still work', async () => {
    const nest = (n: number) => JSON.parse(`${'{"a":'.repeat(n)}1${'}'.repeat(n)}`);
    const before = await audits();
    const q = 'mutation($input: UpdateCustomDataInput!) { updateCustomData(input: $input) { __typename } }';
    const deep = await gw.gql(q, { input: { id: target.gid, data: nest(100) } }, admin.token);
    expect(deep.status).toBe(400);
    expect(deep.body.errors[0].extensions.code).toBe('BAD_INPUT');
    expect(await audits()).toBe(before);
    const ok = await gw.gql(q, { input: { id: target.gid, data: nest(60) } }, admin.token);
    expect(ok.body.data.updateCustomData.__typename).toBe('UpdateCustomDataSuccess');
  });

  it('a NUL in a JSON key is BAD_INPUT (customData, filter equals); nothing written', async () => {
    const before = await audits();
    const update = await gw.gql(
      'mutation($input: UpdateCustomDataInput!) { updateCustomData(input: $input) { __typename } }',
      { input: { id: target.gid, data: { 'a\u0000b': 1 } } },
      admin.token,
    );
    expect(update.status).toBe(400);
    expect(update.body.errors[0].extensions.code).toBe('BAD_INPUT');
    const filter = await gw.gql(
      'query($f: UserFilter) { users(filter: $f) { totalCount } }',
      { f: { customData: { path: ['x'], equals: { 'k\u0000': 1 } } } },
      admin.token,
    );
    expect(filter.status).toBe(400);
    expect(await audits()).toBe(before);
  });

  it('ids above 2^63-1 (and signed or garbage ones) are BAD_INPUT in ids, node(id), filters and mutations', async () => {
    const before = await audits();
    for (const raw of [TOO_BIG, '99999999999999999999', '18446744073709551616', '-1', '1e3', ' 1']) {
      const gid = encodeId('User', raw);
      expectBadInput(await gw.gql('query($id: ID!) { user(id: $id) { id } }', { id: gid }, admin.token));
      const node = await gw.gql('query($id: ID!) { node(id: $id) { id } }', { id: gid }, admin.token);
      expect(node.status).toBeLessThan(500);
      expect(JSON.stringify(node.body)).not.toContain('INTERNAL');
      expectBadInput(await gw.gql('query($f: UserFilter) { users(filter: $f) { totalCount } }', { f: { id: { in: [gid] } } }, admin.token));
      expectBadInput(await gw.gql('query($f: UserFilter) { users(filter: $f) { totalCount } }', { f: { id: { gt: gid } } }, admin.token));
      expectBadInput(
        await gw.gql('mutation($input: UpdateUserInput!) { updateUser(input: $input) { __typename } }', { input: { id: gid, displayName: 'x' } }, admin.token),
      );
      expectBadInput(
        await gw.gql('mutation($input: TagUsersInput!) { tagUsers(input: $input) { __typename } }', { input: { ids: [gid], tags: ['t'] } }, admin.token),
      );
      expectBadInput(await gw.gql('query($id: ID!) { sessions(userId: $id) { edges { cursor } } }', { id: gid }, admin.token));
      expectBadInput(await gw.gql('query($id: ID!) { invites(filter: { owner: $id }) { edges { cursor } } }', { id: gid }, admin.token));
    }
    // The largest bigint is a valid id that names no one.
    expect((await gw.gql('query($id: ID!) { user(id: $id) { id } }', { id: encodeId('User', MAX) }, admin.token)).body).toEqual({ data: { user: null } });
    expect(await audits()).toBe(before);
  });

  it('cursors with out-of-range ids, garbage keys or NUL are BAD_INPUT', async () => {
    const cursors = [
      b64(['CREATED_AT_ASC', '2025-01-01 00:00:00+00', TOO_BIG]),
      b64(['CREATED_AT_ASC', 'not a time', '1']),
      b64(['CREATED_AT_ASC', '2025-13-45 99:99:99+00', '1']),
      b64(['ID_ASC', TOO_BIG, '1']),
      b64(['ID_ASC', 'abc', '1']),
      b64(['USERNAME_ASC', 'a\u0000b', '1']),
    ];
    for (const after of cursors) {
      const order = JSON.parse(Buffer.from(after, 'base64url').toString())[0];
      expectBadInput(await gw.gql(`query($after: String) { users(first: 1, after: $after, orderBy: ${order}) { totalCount } }`, { after }, admin.token));
      expectBadInput(await gw.gql(`query($after: String) { users(last: 1, before: $after, orderBy: ${order}) { totalCount } }`, { after }, admin.token));
    }
    for (const [field, kind] of [
      ['auditLog', 'audit'],
      ['invites', 'invite'],
      ['applications', 'application'],
    ]) {
      expectBadInput(
        await gw.gql(`query($after: String) { ${field}(first: 1, after: $after) { edges { cursor } } }`, { after: b64(`${kind}:${TOO_BIG}`) }, admin.token),
      );
    }
    expectBadInput(
      await gw.gql('query($after: String) { roles(first: 1, after: $after) { edges { cursor } } }', { after: b64(`role:10|${TOO_BIG}`) }, admin.token),
    );
    for (const key of ['2025-13-45 99:99:99+00', '2025-02-30 00:00:00+00', '0000-01-01 00:00:00+00']) {
      const after = b64(`session:${key}|00000000-0000-0000-0000-000000000000`);
      expectBadInput(
        await gw.gql(
          'query($id: ID!, $after: String) { sessions(userId: $id, first: 1, after: $after) { edges { cursor } } }',
          { id: target.gid, after },
          admin.token,
        ),
      );
    }
  });

  it('dates PostgreSQL cannot store (outside years 0001-9999) are BAD_INPUT', async () => {
    const before = await audits();
    for (const date of ['-010000-01-01T00:00:00Z', '+275760-09-13T00:00:00Z', '0000-06-01T00:00:00Z', '+010000-01-01T00:00:00Z']) {
      const inline = await gw.gql(`{ users(filter: { createdAt: { gte: "${date}" } }) { totalCount } }`, {}, admin.token);
      expect(inline.status, date).toBe(400);
      expect(inline.body.errors[0].extensions.code).toBe('BAD_INPUT');
      expectBadInput(await gw.gql('query($f: UserFilter) { users(filter: $f) { totalCount } }', { f: { createdAt: { lt: date } } }, admin.token));
      expectBadInput(
        await gw.gql('mutation($input: CreateInviteInput!) { createInvite(input: $input) { __typename } }', { input: { expiresAt: date } }, admin.token),
      );
      expectBadInput(
        await gw.gql(
          'mutation($input: SuspendUserInput!) { suspendUser(input: $input) { __typename } }',
          { input: { id: target.gid, until: date } },
          admin.token,
        ),
      );
    }
    expect(
      (await gw.gql('{ users(filter: { createdAt: { gte: "0001-01-01T00:00:00Z", lte: "9999-12-31T23:59:59Z" } }) { totalCount } }', {}, admin.token)).status,
    ).toBe(200);
    expect(await audits()).toBe(before);
  });

  it('and/or nested 1,000 deep is a 400 (variables: the JSON depth bound; inline: the token limit)', async () => {
    let filter: unknown = { role: 'x' };
    for (let i = 0; i < 1000; i++) filter = { and: [filter] };
    const res = await gw.gql('query($f: UserFilter) { users(filter: $f) { totalCount } }', { f: filter }, admin.token);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions.code).toBe('BAD_INPUT');
    let inline = '{ role: "x" }';
    for (let i = 0; i < 1000; i++) inline = `{ and: [${inline}] }`;
    const literal = await gw.gql(`{ users(filter: ${inline}) { totalCount } }`, {}, admin.token);
    expect(literal.status).toBe(400);
  });

  // The filter caps (input-limits.ts) refuse it before a statement is built.
  it('66,000 `or` terms are a 400 BAD_INPUT, not MAX_PARAMETERS_EXCEEDED (filter caps)', async () => {
    const filter = { or: Array.from({ length: 66_000 }, () => ({ role: 'a' })) };
    const res = await gw.gql('query($f: UserFilter) { users(filter: $f) { totalCount } }', { f: filter }, admin.token);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions.code).toBe('BAD_INPUT');
  });
});

describe('shims: inputs that used to answer 500', () => {
  const liquid = restClient(gw, '/user/admin-api');
  const liquidClients = restClient(gw, '/client/admin-api');
  const pleroma = restClient(gw, '/api/pleroma/admin');
  const cookie = restClient(gw, '/api/admin');
  const litecord = restClient(gw, '/api/v6/admin', 'bare');

  it('Liquid: ids above 2^63-1 in /list?offset, /credits, /user-info, /custom-data; NUL keys; 400 ClientInputError', async () => {
    const before = await audits();
    const bad = { ok: 0, error: 'ClientInputError' };
    expect(await liquid('GET', `/list?offset=${TOO_BIG}`, admin.token)).toMatchObject({ status: 400, body: bad });
    expect(await liquid('GET', `/user-info?targets=${target.id},${TOO_BIG}`, admin.token)).toMatchObject({ status: 400, body: bad });
    expect(await liquid('POST', '/credits', admin.token, { target: TOO_BIG, type: 'set', value: 1 })).toMatchObject({ status: 400, body: bad });
    expect(await liquid('PUT', '/custom-data', admin.token, { target: TOO_BIG, customData: {} })).toMatchObject({ status: 400, body: bad });
    expect(await liquid('PUT', '/custom-data', admin.token, { target: target.id.toString(), customData: { 'a\u0000b': 1 } })).toMatchObject({
      status: 400,
      body: bad,
    });
    expect(await liquid('PUT', '/custom-data', admin.token, { target: target.id.toString(), customData: { a: { 'b\u0000': 1 } } })).toMatchObject({
      status: 400,
      body: bad,
    });
    expect(await liquid('POST', '/ban', admin.token, { target: TOO_BIG, state: true })).toMatchObject({ status: 400, body: bad });
    expect(await liquid('GET', `/invite-codes?target=${TOO_BIG}`, admin.token)).toMatchObject({ status: 400, body: bad });
    expect(
      await liquid('POST', '/access', admin.token, { targets: [TOO_BIG], targetType: 'user', scope: ['admin:profile:read'], operation: 'add' }),
    ).toMatchObject({ status: 400, body: bad });
    expect(await liquidClients('GET', `/list?offset=${TOO_BIG}`, admin.token)).toMatchObject({ status: 400, body: bad });
    expect(await liquidClients('DELETE', '/delete', admin.token, { target: TOO_BIG })).toMatchObject({ status: 400, body: bad });
    expect(await audits()).toBe(before);
    // The largest id is valid and names no one.
    expect((await liquid('GET', `/list?offset=${MAX}`, admin.token)).status).toBe(200);
  });

  it('Liquid: PATCH /update with a role it cannot give changes nothing else either (one mutation)', async () => {
    const before = await audits();
    const res = await liquid('PATCH', '/update', admin.token, { target: target.id.toString(), lastName: 'Changed', role: 'no_such_role' });
    expect(res).toMatchObject({ status: 400, body: { ok: 0, error: 'ClientInputError' } });
    expect(await audits()).toBe(before);
    const user = await gw.gql('query($id: ID!) { user(id: $id) { lastName } }', { id: target.gid }, admin.token);
    expect(user.body.data.user.lastName).toBeNull();
  });

  it('Pleroma: a NUL in a path segment or a date out of range is 400 {"error"}', async () => {
    const before = await audits();
    for (const path of ['/users/a%00b', '/users/a%00b/permission_group', '/users/a%00b/password_reset']) {
      const res = await pleroma('GET', path, admin.token);
      expect(res.status, path).toBe(400);
      expect(typeof res.body.error).toBe('string');
    }
    expect((await pleroma('PATCH', '/users/a%00b/toggle_activation', admin.token)).status).toBe(400);
    expect((await pleroma('DELETE', '/users?nickname=a%00b', admin.token)).status).toBe(400);
    const far = await pleroma('GET', '/users/invite_token?invite[expires_at]=9999-12-31', admin.token);
    expect(far.status).toBe(400);
    expect(await audits()).toBe(before);
  });

  it('CookieCMS: a NUL in a path segment, huge ids and far dates are 400 in its envelope', async () => {
    const before = await audits();
    const envelope = { error: true, url: null };
    expect(await cookie('GET', '/user/a%00b', admin.token)).toMatchObject({ status: 400, body: envelope });
    expect(await cookie('PATCH', '/user/a%00b', admin.token, { mail_verify: 1 })).toMatchObject({ status: 400, body: envelope });
    for (const expired_at of [1e15, 253402300800, '+275760-09-13T00:00:00Z', '10000-01-01T00:00:00Z']) {
      const res = await cookie('POST', `/user/role/${target.id}`, admin.token, { role_level: 2, expired_at });
      expect(res, String(expired_at)).toMatchObject({ status: 400, body: envelope });
    }
    expect(await audits()).toBe(before);
  });

  it('CookieCMS: a level the caller may not give refuses the whole PATCH (the rename too)', async () => {
    const moderator = await gw.user({ roles: ['moderator'] });
    const before = await audits();
    const res = await cookie('PATCH', `/user/${target.id}`, moderator.token, { username: 'renamed_by_moderator', perms: 2 });
    expect(res).toMatchObject({ status: 403, body: { error: true, url: null } });
    expect(await audits()).toBe(before);
    const user = await gw.gql('query($id: ID!) { user(id: $id) { username roles { name } } }', { id: target.gid }, admin.token);
    expect(user.body.data.user).toEqual({ username: 'inputs_target', roles: [] });
    // An admin may: the rename and the level land together.
    const other = await gw.user();
    const done = await cookie('PATCH', `/user/${other.id}`, admin.token, { username: `${other.username}_x`, perms: 4 });
    expect(done.status).toBe(200);
    const after = await gw.gql('query($id: ID!) { user(id: $id) { username roles { name } } }', { id: other.gid }, admin.token);
    // Level 4 is admin (3 is moderator, 2 premium).
    expect(after.body.data.user).toEqual({ username: `${other.username}_x`, roles: [{ name: 'admin' }] });
  });

  it('Litecord: ids above 2^63-1 are 404 Unknown user; NUL invite codes 400', async () => {
    const before = await audits();
    for (const method of ['DELETE', 'PATCH']) {
      const res = await litecord(method, `/users/${TOO_BIG}`, admin.token, method === 'PATCH' ? { flags: 0 } : undefined);
      expect(res, method).toMatchObject({ status: 404, body: { error: true, code: 10013 } });
    }
    const code = await litecord('DELETE', '/instance/invites/a%00b', admin.token);
    expect(code.status).toBe(400);
    expect(code.body).toMatchObject({ error: true, status: 400 });
    expect(await audits()).toBe(before);
  });
});
