import { describe, expect, it } from 'vitest';
import { makeInvite, unique } from '../helpers/factories.js';
import { answerChecker } from '../helpers/openapi.js';
import { useRelayGateway } from '../modules/relays/setup.js';

// A real relay (an ActivityPub actor on 127.0.0.1) for the relay routes' successes.
const { gw, relay } = useRelayGateway();

describe('Pleroma /api/pleroma/admin/openapi.json', () => {
  it('describes every answer the routes give: successes and errors validate against it', async () => {
    const { call, unchecked } = await answerChecker(gw, '/api/pleroma/admin');
    const admin = await gw.user({ roles: ['admin'] });
    const plain = await gw.user();
    const target = await gw.user();
    const other = await gw.user();
    const person = () => {
      const nickname = unique('pl_oa');
      return { nickname, email: `${nickname}@example.org`, password: 'pleroma-pass-1' };
    };

    expect((await call('GET', '/users?page_size=5&filters=local', admin.token)).body.users.length).toBeGreaterThan(0);
    expect((await call('GET', '/users?filters=nope', admin.token)).status).toBe(400);
    expect((await call('POST', '/users', admin.token, person())).status).toBe(200);
    expect((await call('POST', '/users', admin.token, { users: [person(), person()] })).body).toHaveLength(2);
    expect((await call('POST', '/users', admin.token, { users: [person(), { ...person(), nickname: target.username }] })).status).toBe(409);
    expect((await call('POST', '/users', plain.token, person())).status).toBe(403);
    expect((await call('PUT', '/users/tag', admin.token, { nicknames: [target.username], tags: ['oa'] })).status).toBe(204);
    expect((await call('PUT', '/users/tag', admin.token, { nicknames: [target.username, 'nobody_at_all'], tags: ['oa'] })).status).toBe(404);
    expect((await call('DELETE', '/users/tag', admin.token, { nicknames: [target.username], tags: ['oa'] })).status).toBe(204);
    expect((await call('DELETE', '/users/tag', plain.token, { nicknames: [target.username], tags: ['oa'] })).status).toBe(403);

    expect((await call('GET', '/users/invite_token?invite[max_use]=3', admin.token)).status).toBe(200);
    expect((await call('GET', '/users/invite_token?invite[max_use]=0', admin.token)).status).toBe(400);
    expect((await call('POST', '/users/invite_token', admin.token, { max_use: 2, expires_at: '2099-01-01' })).body.max_use).toBe(2);
    expect((await call('POST', '/users/invite_token', admin.token, { max_use: 0 })).status).toBe(400);
    expect((await call('GET', '/users/invites', admin.token)).body.invites.length).toBeGreaterThan(0);
    expect((await call('GET', '/users/invites', plain.token)).status).toBe(403);
    expect((await call('POST', '/users/email_invite?email=invitee@example.org', admin.token)).status).toBe(204);
    expect((await call('POST', '/users/email_invite?email=nope', admin.token)).status).toBe(400);
    const invite = await makeInvite(gw, { code: unique('PL-OA-') });
    expect((await call('POST', '/users/revoke_invite', admin.token, { token: invite.code })).body.used).toBe(true);
    expect((await call('POST', '/users/revoke_invite', admin.token, { token: 'NO-SUCH-CODE' })).status).toBe(404);

    expect((await call('GET', `/users/${target.username}`, admin.token)).body.nickname).toBe(target.username);
    expect((await call('GET', `/users/${target.id}`, admin.token)).status).toBe(200);
    expect((await call('GET', '/users/nobody_at_all', admin.token)).status).toBe(404);
    expect((await call('GET', `/users/${target.username}/statuses?page_size=5`, admin.token)).body).toEqual([]);
    expect((await call('GET', '/users/nobody_at_all/statuses', admin.token)).status).toBe(404);
    expect((await call('GET', `/users/${target.username}/password_reset`, admin.token)).body.token).toBeTruthy();
    expect((await call('GET', `/users/${target.username}/password_reset`, plain.token)).status).toBe(403);
    expect((await call('PATCH', `/users/${target.username}/toggle_activation`, admin.token)).body.deactivated).toBe(true);
    expect((await call('PATCH', `/users/${admin.username}/toggle_activation`, admin.token)).status).toBe(403);
    expect((await call('PUT', `/users/${target.username}/activation_status`, admin.token, { status: true })).status).toBe(204);
    expect((await call('PUT', `/users/${target.username}/activation_status`, admin.token, { status: 'off' })).status).toBe(400);

    const group = `/users/${target.username}/permission_group`;
    expect((await call('GET', group, admin.token)).body).toEqual({ is_admin: false, is_moderator: false });
    expect((await call('GET', '/users/nobody_at_all/permission_group', admin.token)).status).toBe(404);
    expect((await call('POST', `${group}/moderator`, admin.token)).body).toEqual({ is_moderator: true });
    expect((await call('POST', `${group}/owner`, admin.token)).status).toBe(404);
    expect((await call('GET', `${group}/moderator`, admin.token)).body.is_moderator).toBe(true);
    expect((await call('GET', `${group}/owner`, admin.token)).status).toBe(404);
    expect((await call('DELETE', `${group}/moderator`, admin.token)).body).toEqual({ is_moderator: false });
    expect((await call('DELETE', `/users/${admin.username}/permission_group/admin`, admin.token)).status).toBe(403);

    const pair = { follower: target.username, followed: other.username };
    expect((await call('POST', '/users/follow', admin.token, pair)).body).toBe('ok');
    expect((await call('POST', '/users/follow', admin.token, { follower: target.username })).status).toBe(400);
    expect((await call('POST', '/users/unfollow', admin.token, pair)).body).toBe('ok');
    expect((await call('POST', '/users/unfollow', plain.token, pair)).status).toBe(403);

    const actorUrl = relay().actorUrl;
    expect((await call('POST', '/relay', admin.token, { relay_url: actorUrl })).body).toBe(actorUrl);
    expect((await call('POST', '/relay', admin.token, { relay_url: 'not a url' })).status).toBe(400);
    expect((await call('GET', '/relay', admin.token)).body.relays).toHaveLength(1);
    expect((await call('GET', '/relay', plain.token)).status).toBe(403);
    expect((await call('DELETE', '/relay', admin.token, { relay_url: actorUrl })).body).toBe(actorUrl);
    expect((await call('DELETE', '/relay', admin.token, { relay_url: actorUrl })).status).toBe(404);

    expect((await call('DELETE', `/users?nickname=${other.username}`, admin.token)).body).toBe(other.username);
    expect((await call('DELETE', '/users?nickname=nobody_at_all', admin.token)).status).toBe(404);

    expect(unchecked()).toEqual([]);
  });
});
