import { describe, expect, it } from 'vitest';
import { useGateway } from '../../helpers/app.js';
import { restClient } from '../../helpers/clients.js';
import { makeGuild } from '../../helpers/factories.js';

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

  it('fetches, updates and deletes guilds, and creates a voice region a guild then uses (test_guilds.py)', async () => {
    const staff = await gw.user({ username: 'lc_guild_staff', email: 'guilds@litecord.test', password: 'staff-password-1', roles: ['admin'] });
    const token = await signIn('guilds@litecord.test', 'staff-password-1');
    const admin = (path: string) => `/api/v6/admin${path}`;
    // test_cli_staff.create_guild() goes through Litecord's user API, which the gateway does not serve: the factory stands in.
    const fetchGuild = (id: string) => call('GET', admin(`/guilds/${id}`), token);

    // test_guild_fetch: GET /guilds/<id> → 200, a dict whose id is the guild's.
    const guild = (await makeGuild(gw, { ownerId: staff.id })).id.toString();
    const fetched = await fetchGuild(guild);
    expect([fetched.status, fetched.body.id]).toEqual([200, guild]);

    // test_guild_update: PATCH {unavailable: true} → id, unavailable; a new GET says the same.
    const updated = await call('PATCH', admin(`/guilds/${guild}`), token, { unavailable: true });
    expect([updated.status, updated.body.id, updated.body.unavailable]).toEqual([200, guild, true]);
    const again = await fetchGuild(guild);
    expect([again.body.id, again.body.unavailable]).toEqual([guild, true]);

    // test_guild_delete: DELETE → 204, then GET → 404 with error and code 10004 (GuildNotFound).
    const doomed = (await makeGuild(gw, { ownerId: staff.id })).id.toString();
    const deleted = await gw.request(admin(`/guilds/${doomed}`), { method: 'DELETE', headers: { authorization: token } });
    expect(deleted.status).toBe(204);
    const missing = await fetchGuild(doomed);
    expect([missing.status, missing.body.error, missing.body.code]).toEqual([404, true, 10004]);

    // test_guild_create_voice: PUT /voice/regions {id, name} (token_hex(6) each) → 200, a list holding the id; a guild then uses it.
    const [regionId, regionName] = ['a1b2c3d4e5f6', '0f1e2d3c4b5a'];
    const regions = await call('PUT', admin('/voice/regions'), token, { id: regionId, name: regionName });
    expect(regions.status).toBe(200);
    expect(regions.body.map((r: { id: string }) => r.id)).toContain(regionId);
    const inRegion = (await makeGuild(gw, { ownerId: staff.id, region: regionId })).id.toString();
    expect((await fetchGuild(inRegion)).body.region).toBe(regionId);
  });
});
