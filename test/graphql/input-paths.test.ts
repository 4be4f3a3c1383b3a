import { describe, expect, it } from 'vitest';
import { BadInputError, ConflictError } from '../../src/core/errors.js';
import { underInput } from '../../src/graphql/input-paths-plugin.js';
import { createUser } from '../../src/modules/users/actions.js';
import { useGateway } from '../helpers/app.js';
import { mutate } from '../helpers/clients.js';

const gw = useGateway();

describe('error paths', () => {
  it('are relative to the action input when an action is called directly (CLI, tests)', async () => {
    const error = await createUser(gw.system, { username: 'paths_a', email: 'not an email' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as BadInputError).fields).toEqual([{ path: ['email'], message: 'must be an email address' }]);
  });

  it('are answered under input by GraphQL, in the payload union', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const bad = await mutate(gw, 'createUser', { username: 'paths_b', email: 'not an email' }, admin.token);
    expect(bad.__typename).toBe('BadInputError');
    expect(bad.fields).toEqual([{ path: ['input', 'email'], message: 'must be an email address' }]);
    await gw.user({ username: 'paths_c' });
    const taken = await mutate(gw, 'createUser', { username: 'paths_c' }, admin.token);
    expect(taken.__typename).toBe('ConflictError');
    expect(taken.fields).toEqual([{ path: ['input', 'username'], message: 'already taken' }]);
  });

  it('keep the class, the code, and a message naming the path', () => {
    const moved = underInput(new ConflictError('users.3.email: already taken', [{ path: ['users', '3', 'email'], message: 'already taken' }]));
    expect(moved).toBeInstanceOf(ConflictError);
    expect(moved.code).toBe('CONFLICT');
    expect(moved.message).toBe('input.users.3.email: already taken');
    expect(moved.fields).toEqual([{ path: ['input', 'users', '3', 'email'], message: 'already taken' }]);
    const already = new BadInputError('input.id: not a User ID', [{ path: ['input', 'id'], message: 'not a User ID' }]);
    expect(underInput(already)).toBe(already);
  });
});
