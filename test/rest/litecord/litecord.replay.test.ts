import { describe, expect, it } from 'vitest';
import { useGateway } from '../../helpers/app.js';
import { restClient } from '../../helpers/clients.js';

/**
 * Litecord's own admin tests (tests/test_admin_api/*.py @ 5f97103, clients.md §5) are the only
 * client of its admin API: replayed here request by request, signing in first with
 * `POST /api/v6/auth/login`, then `Authorization: <token>` without a scheme. Each step asserts the
 * fields those tests read. The guild and voice requests are added by the community-data work.
 */
const gw = useGateway();
const call = restClient(gw, '', 'bare');

async function signIn(email: string, password: string): Promise<string> {
  const res = await call('POST', '/api/v6/auth/login', null, { email, password });
  expect(res.status).toBe(200);
  expect(res.body.token).toEqual(expect.any(String));
  return res.body.token;
}

describe("Litecord's admin tests replayed against the gateway", () => {
  it('signs in, then creates, finds, flags and deletes a user, and manages instance invites', async () => {
    await gw.user({ username: 'lc_staff', email: 'staff@litecord.test', password: 'staff-password-1', roles: ['admin'] });
    const token = await signIn('staff@litecord.test', 'staff-password-1');
    const admin = (path: string) => `/api/v6/admin${path}`;

    // test_create_user: POST /users {username, email, password} (token_hex(7) names) → username, id.
    const name = 'a1b2c3d4e5f607';
    const created = await call('POST', admin('/users'), token, { username: name, email: `${name}@discord.io`, password: name });
    expect(created.status).toBe(200);
    expect(created.body.username).toBe(name);
    expect(created.body.id).toMatch(/^\d+$/);

    // _search: both keys always sent, discriminator empty → a list; reads [0].id.
    const found = await call('GET', admin(`/users?username=${name}&discriminator=`), token);
    expect(found.status).toBe(200);
    expect(found.body[0].id).toBe(created.body.id);

    // test_user_update: PATCH {flags: 2} → id, flags.
    const patched = await call('PATCH', admin(`/users/${created.body.id}`), token, { flags: 2 });
    expect(patched.status).toBe(200);
    expect([patched.body.id, patched.body.flags]).toEqual([created.body.id, 2]);

    // test_delete_user: DELETE → {old, new}; reads new.id, old.id.
    const deleted = await call('DELETE', admin(`/users/${created.body.id}`), token);
    expect(deleted.status).toBe(200);
    expect([deleted.body.old.id, deleted.body.new.id]).toEqual([created.body.id, created.body.id]);

    // test_instance_invites: list, create {max_uses: 1} → code, delete → 204, unknown → 404.
    const listed = await call('GET', admin('/instance/invites'), token);
    expect([listed.status, Array.isArray(listed.body)]).toEqual([200, true]);
    const invite = await call('PUT', admin('/instance/invites'), token, { max_uses: 1 });
    expect(invite.status).toBe(200);
    expect(invite.body.code).toEqual(expect.any(String));
    const gone = await gw.request(admin(`/instance/invites/${invite.body.code}`), { method: 'DELETE', headers: { authorization: token } });
    expect(gone.status).toBe(204);
    const unknown = await call('DELETE', admin('/instance/invites/aaaaaa'), token);
    expect(unknown.status).toBe(404);
  });
});
