import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useGateway } from '../helpers/app.js';
import { mutate } from '../helpers/clients.js';
import { makeSession } from '../helpers/factories.js';

const gw = useGateway();

const VIEWER = '{ viewer { username } }';
const REFRESH = `mutation($t: String!) { refreshToken(input: { refreshToken: $t }) { accessToken refreshToken } }`;

const viewerCode = async (token: string) => {
  const body = (await gw.gql(VIEWER, {}, token)).body;
  return body.errors ? body.errors[0].extensions.code : 'OK';
};
const refreshCode = async (refreshToken: string) => {
  const body = (await gw.gql(REFRESH, { t: refreshToken })).body;
  return body.errors ? body.errors[0].extensions.code : 'OK';
};
/** A second signed-in session of a user (another device). */
const anotherSession = (userId: bigint) => makeSession(gw, userId, { ip: '192.0.2.50', userAgent: 'phone' });

describe('changing a password ends the other sessions', () => {
  it("an admin setting someone's password ends all of that user's sessions and refresh tokens", async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const target = await gw.user({ password: 'first-password-1' });
    const phone = await anotherSession(target.id);
    expect(await viewerCode(target.token)).toBe('OK');
    expect(await viewerCode(phone.token)).toBe('OK');

    const done = await mutate(gw, 'updateUser', { id: target.gid, password: 'second-password-2' }, admin.token, 'user { username }');
    expect(done.__typename).toBe('UpdateUserSuccess');

    expect(await viewerCode(target.token)).toBe('UNAUTHENTICATED');
    expect(await viewerCode(phone.token)).toBe('UNAUTHENTICATED');
    expect(await refreshCode(target.refreshToken)).toBe('UNAUTHENTICATED');
    expect(await refreshCode(phone.refreshToken)).toBe('UNAUTHENTICATED');
    // The admin's own session is not the target's and stays.
    expect(await viewerCode(admin.token)).toBe('OK');

    // Audited in the same change: one session.revoke row per ended session, naming why.
    const rows = await gw.database.rows<{ target_id: string; reason: string }>(
      sql`select target_id, diff->>'reason' as reason from audit_log where action = 'session.revoke' and target_id in (${target.sessionId}, ${phone.sessionId})`,
    );
    expect(rows.map((r) => r.target_id).sort()).toEqual([target.sessionId, phone.sessionId].sort());
    expect(rows.every((r) => r.reason === 'password changed')).toBe(true);
    const [update] = await gw.database.rows<{ revoked: number }>(
      sql`select (diff->>'sessionsRevoked')::int as revoked from audit_log where action = 'user.update' and target_id = ${target.id.toString()} order by seq desc limit 1`,
    );
    expect(update.revoked).toBe(2);
  });

  it('a user changing its own password keeps its current session and loses the others', async () => {
    // Only a superadmin may update itself through updateUser (the rank rule); it stands for any self-change.
    const me = await gw.user({ roles: ['superadmin'], password: 'my-old-password' });
    const phone = await anotherSession(me.id);
    const laptop = await anotherSession(me.id);

    const done = await mutate(gw, 'updateUser', { id: me.gid, password: 'my-new-password' }, me.token, 'user { username }');
    expect(done.__typename).toBe('UpdateUserSuccess');

    expect(await viewerCode(me.token)).toBe('OK');
    expect(await viewerCode(phone.token)).toBe('UNAUTHENTICATED');
    expect(await viewerCode(laptop.token)).toBe('UNAUTHENTICATED');
    expect(await refreshCode(phone.refreshToken)).toBe('UNAUTHENTICATED');
    expect(await refreshCode(laptop.refreshToken)).toBe('UNAUTHENTICATED');
    // The caller's own refresh token still rotates.
    expect(await refreshCode(me.refreshToken)).toBe('OK');
    const [{ live }] = await gw.database.rows<{ live: number }>(
      sql`select count(*)::int as live from sessions where user_id = ${me.id} and revoked_at is null`,
    );
    expect(live).toBe(1);
  });

  it('an update without a password leaves every session alone', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const target = await gw.user();
    const phone = await anotherSession(target.id);
    await mutate(gw, 'updateUser', { id: target.gid, displayName: 'Renamed' }, admin.token, 'user { username }');
    expect(await viewerCode(target.token)).toBe('OK');
    expect(await viewerCode(phone.token)).toBe('OK');
  });
});
