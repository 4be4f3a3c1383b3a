import { beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/graphql/ids.js';
import { useGateway } from '../helpers/app.js';

/**
 * Global-ID inputs go through plugin-relay's globalID (with each node's id.parse); a wrong-type,
 * malformed or out-of-range ID must still be BAD_INPUT naming the argument's path, never INTERNAL.
 */
const gw = useGateway();

let admin: Awaited<ReturnType<typeof gw.user>>;
let target: Awaited<ReturnType<typeof gw.user>>;
let bad: Record<string, string>;
beforeAll(async () => {
  admin = await gw.user({ roles: ['superadmin'] });
  target = await gw.user();
  bad = {
    'another type': encodeId('Role', 1n),
    'out of range': encodeId('User', '9223372036854775808'),
    'not digits': encodeId('User', '1e3'),
    'not a global ID': 'garbage!',
  };
});

const ERRORS = '... on BadInputError { code fields { path message } }';

describe('a bad global ID is BAD_INPUT at its path', () => {
  it('(i) in a query argument: a GraphQL error with code BAD_INPUT and the path [userId]', async () => {
    for (const [kind, id] of Object.entries(bad)) {
      const res = await gw.gql('query($id: ID!) { explainAccess(userId: $id, scope: "admin:users:read") { held } }', { id }, admin.token);
      expect(res.status, kind).toBeLessThan(500);
      expect(res.body.errors?.[0].extensions.code, kind).toBe('BAD_INPUT');
      expect(res.body.errors[0].extensions.fields, kind).toEqual([{ path: ['userId'], message: 'not a User ID' }]);
      expect(res.body.errors[0].message, kind).toBe('userId: not a User ID');
    }
    const user = await gw.gql('query($id: ID!) { user(id: $id) { id } }', { id: bad['another type'] }, admin.token);
    expect(user.body.errors[0].extensions).toMatchObject({ code: 'BAD_INPUT', fields: [{ path: ['id'] }] });
  });

  it('(ii) in a mutation input: the payload answers BadInputError at input.id, and nothing changes', async () => {
    for (const [kind, id] of Object.entries(bad)) {
      const res = await gw.gql(
        `mutation($input: UpdateUserInput!) { updateUser(input: $input) { __typename ${ERRORS} } }`,
        { input: { id, displayName: 'changed' } },
        admin.token,
      );
      expect(res.body.errors, kind).toBeUndefined();
      expect(res.body.data.updateUser, kind).toEqual({
        __typename: 'BadInputError',
        code: 'BAD_INPUT',
        fields: [{ path: ['input', 'id'], message: 'not a User ID' }],
      });
    }
    const me = await gw.gql('query($id: ID!) { user(id: $id) { displayName } }', { id: target.gid }, admin.token);
    expect(me.body.data.user.displayName).not.toBe('changed');
  });

  it('(iii) in a nested input list: the path names the item (input.ids.1, input.targets.0)', async () => {
    const tag = await gw.gql(
      `mutation($input: TagUsersInput!) { tagUsers(input: $input) { __typename ${ERRORS} } }`,
      { input: { ids: [target.gid, bad['out of range']], tags: ['t'] } },
      admin.token,
    );
    expect(tag.body.data.tagUsers).toEqual({
      __typename: 'BadInputError',
      code: 'BAD_INPUT',
      fields: [{ path: ['input', 'ids', '1'], message: 'not a User ID' }],
    });
    // setScopes takes User or Application IDs; the one targetType names must match.
    const scopes = await gw.gql(
      `mutation($input: SetScopesInput!) { setScopes(input: $input) { __typename ${ERRORS} } }`,
      { input: { targets: [target.gid], targetType: 'APPLICATION', scopes: ['admin:users:read'], operation: 'ADD' } },
      admin.token,
    );
    expect(scopes.body.data.setScopes).toEqual({
      __typename: 'BadInputError',
      code: 'BAD_INPUT',
      fields: [{ path: ['input', 'targets', '0'], message: 'not a Application ID' }],
    });
    const garbage = await gw.gql(
      `mutation($input: SetScopesInput!) { setScopes(input: $input) { __typename ${ERRORS} } }`,
      { input: { targets: [target.gid, 'garbage!'], targetType: 'USER', scopes: ['admin:users:read'], operation: 'ADD' } },
      admin.token,
    );
    expect(garbage.body.data.setScopes.fields).toEqual([{ path: ['input', 'targets', '1'], message: 'not a User or Application ID' }]);
  });

  it('a good global ID reaches the resolver as its key', async () => {
    const res = await gw.gql('query($id: ID!) { user(id: $id) { id } }', { id: target.gid }, admin.token);
    expect(res.body).toEqual({ data: { user: { id: target.gid } } });
  });
});
