import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createUser } from '../../../src/modules/users/actions.js';
import { useGateway } from '../../helpers/app.js';
import { restClient } from '../../helpers/clients.js';
import { unique } from '../../helpers/factories.js';

const gw = useGateway();
const call = restClient(gw, '/api/pleroma/admin');
const follows = async (a: bigint, b: bigint) =>
  Number((await gw.database.rows<{ n: number }>(sql`select count(*)::int as n from follows where follower_id = ${a} and followed_id = ${b}`))[0].n);
const total = async () => Number((await gw.database.rows<{ n: number }>(sql`select count(*)::int as n from follows`))[0].n);

describe('Pleroma POST /users/follow and /users/unfollow', () => {
  it('makes a local account follow a remote one and unfollow it, answering "ok" each time', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const me = await gw.user();
    const remote = await createUser(gw.system, { username: unique('far'), domain: 'remote.example' });
    const remoteId = BigInt(remote.id);
    const res = await call('POST', '/users/follow', admin.token, { follower: me.username, followed: `${remote.username}@remote.example` });
    expect(res).toEqual({ status: 200, body: 'ok' });
    expect(await follows(me.id, remoteId)).toBe(1);
    // Again: still "ok", still one follow.
    expect(await call('POST', '/users/follow', admin.token, { follower: me.username, followed: `${remote.username}@remote.example` })).toEqual({
      status: 200,
      body: 'ok',
    });
    expect(await follows(me.id, remoteId)).toBe(1);
    const audit = await gw.database.rows<{ action: string }>(
      sql`select action from audit_log where target_type = 'User' and target_id = ${me.id.toString()} and action like 'follow.%'`,
    );
    expect(audit.map((r) => r.action)).toEqual(['follow.create']);
    expect(await call('POST', '/users/unfollow', admin.token, { follower: me.username, followed: `${remote.username}@remote.example` })).toEqual({
      status: 200,
      body: 'ok',
    });
    expect(await follows(me.id, remoteId)).toBe(0);
  });

  it('takes the nicknames from the query too (Phoenix merges params)', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const a = await gw.user();
    const b = await gw.user();
    expect(await call('POST', `/users/follow?follower=${a.username}&followed=${b.username}`, admin.token)).toEqual({ status: 200, body: 'ok' });
    expect(await follows(a.id, b.id)).toBe(1);
  });

  it('answers "ok" for unknown nicknames, oneself and deactivated accounts, and changes nothing', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const a = await gw.user();
    const off = await gw.user();
    expect((await call('PUT', `/users/${off.username}/activation_status`, admin.token, { status: false })).status).toBe(204);
    const before = await total();
    for (const body of [
      { follower: a.username, followed: 'nobody_by_that_name' },
      { follower: 'nobody_either', followed: a.username },
      { follower: a.username, followed: a.username },
      { follower: a.username, followed: off.username },
    ]) {
      for (const path of ['/users/follow', '/users/unfollow'])
        expect(await call('POST', path, admin.token, body), `${path} ${JSON.stringify(body)}`).toEqual({ status: 200, body: 'ok' });
    }
    expect(await total()).toBe(before);
  });

  it('refuses callers who are not admins with 403 and writes nothing', async () => {
    const plain = await gw.user();
    const other = await gw.user();
    const moderator = await gw.user({ roles: ['moderator'] });
    const before = await total();
    for (const path of ['/users/follow', '/users/unfollow']) {
      for (const token of [plain.token, moderator.token, null]) {
        const res = await call('POST', path, token, { follower: plain.username, followed: other.username });
        expect(res.status, `${path}`).toBe(403);
        expect(typeof res.body.error).toBe('string');
      }
    }
    expect(await total()).toBe(before);
  });

  it('refuses bad bodies with 400 {"error"}, never a 500, writing nothing', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const a = await gw.user();
    const before = await total();
    for (const body of [
      {},
      { follower: a.username },
      { follower: a.username, followed: '' },
      { follower: 1, followed: 2 },
      { follower: a.username, followed: a.username, extra: true },
    ]) {
      const res = await call('POST', '/users/follow', admin.token, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(typeof res.body.error).toBe('string');
    }
    const notJson = await gw.request('/api/pleroma/admin/users/follow', {
      method: 'POST',
      token: admin.token,
      headers: { 'content-type': 'application/json' },
      body: '{nope',
    });
    expect(notJson.status).toBe(400);
    expect(await total()).toBe(before);
  });
});
