import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useGateway, type TestGateway } from '../../helpers/app.js';
import { adminFeSignIn } from '../../helpers/legacy-sign-in.js';

/** admin-fe's own sign-in (apps → /oauth/token password grant → verify_credentials): the one place a token comes from. */
const signIn = (gw: TestGateway, username: string, password: string) => adminFeSignIn(gw, username, password);

/**
 * Pleroma admin-fe (animeavi/admin-fe @ 12226047 users, @ 81510916 invites, password reset and bulk
 * create), request by request as ../shared/legacy-apis/clients.md §1 lists them, in the order a
 * session of the client makes them. Each request is sent as its axios does (Accept, `Authorization:
 * Bearer`, `Content-Type: application/json;charset=utf-8` only with a body, the URL as the client
 * builds it, query values not encoded), and the assertions read only what the client reads. The
 * table mutations below are the client's own store code (store/modules/users.js, invites.js).
 */

const gw = useGateway();
const PASSWORD = 'admin-fe-password-1';
const run = Math.random().toString(36).slice(2, 7);

/** One admin-fe request (src/utils/request.js + src/api/*.js): answers the status and axios' `data`. */
async function adminFe(token: string, method: string, url: string, data?: unknown): Promise<{ status: number; data: any }> {
  const headers: Record<string, string> = { accept: 'application/json, text/plain, */*', authorization: `Bearer ${token}` };
  if (data !== undefined) headers['content-type'] = 'application/json;charset=utf-8';
  const res = await gw.app.fetch(new Request(`http://gateway.test${url}`, { method, headers, body: data === undefined ? undefined : JSON.stringify(data) }));
  const text = await res.text();
  // axios parses a JSON answer and keeps anything else (an empty 204) as the text.
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: res.status, data: parsed };
}

type Row = { id: string; nickname: string; local: boolean; deactivated: boolean; roles: { admin: boolean; moderator: boolean }; tags: string[] };

/** store/modules/users.js SWAP_USER: the answer replaces the row with its id, then the table sorts by nickname. */
const swapUser = (rows: Row[], updated: Row) =>
  rows
    .map((u) => (u.id === updated.id ? updated : u))
    .map((u) => (u.nickname ? u : { ...u, nickname: '' }))
    .sort((a, b) => a.nickname.localeCompare(b.nickname));

/** What the users table reads of every row: id, nickname, local, deactivated, roles.admin/moderator, tags.includes. */
function expectTableRow(row: Row) {
  expect(typeof row.id).toBe('string');
  expect(typeof row.nickname).toBe('string');
  expect(typeof row.local).toBe('boolean');
  expect(typeof row.deactivated).toBe('boolean');
  expect(typeof row.roles.admin).toBe('boolean');
  expect(typeof row.roles.moderator).toBe('boolean');
  expect(row.tags.includes('force_nsfw')).toBeTypeOf('boolean');
}

describe('Pleroma admin-fe against the gateway', () => {
  it('a whole admin-fe session: login, list, search, create, toggle, tags, rights, profile, invites, email invite, password reset, delete', async () => {
    const admin = await gw.user({ username: `fe_admin_${run}`, roles: ['admin'], password: PASSWORD });
    const token = await signIn(gw, admin.username, PASSWORD);

    // FetchUsers: `filters` joined with ',' (empty when none is set), no page_size.
    const first = await adminFe(token, 'GET', '/api/pleroma/admin/users?page=1&filters=');
    expect(first.status).toBe(200);
    expect(first.data.page_size).toBe(50);
    expect(first.data.count).toBeGreaterThanOrEqual(1);
    for (const row of first.data.users) expectTableRow(row);
    expect(first.data.users.find((u: Row) => u.nickname === admin.username)).toMatchObject({ id: admin.id.toString(), roles: { admin: true }, local: true });

    // SearchUsers before anything is created: the query as typed, page 1, the filters (none yet).
    const none = await adminFe(token, 'GET', '/api/pleroma/admin/users?query=fe_&page=1&filters=');
    expect(none.status).toBe(200);
    expect(none.data.users.map((u: Row) => u.nickname)).toEqual([admin.username]);

    // CreateNewAccount, 12226047 (one account) and 81510916 (`{users: [...]}`); the client reads nothing and refetches.
    const single = await adminFe(token, 'POST', '/api/pleroma/admin/users', {
      nickname: `fe_single_${run}`,
      email: `fe_single_${run}@example.org`,
      password: PASSWORD,
    });
    expect(single.status).toBe(200);
    const bulk = await adminFe(token, 'POST', '/api/pleroma/admin/users', {
      users: [{ nickname: `fe_bulk_${run}`, email: `fe_bulk_${run}@example.org`, password: PASSWORD }],
    });
    expect(bulk.status).toBe(200);
    // …then FetchUsers({page: currentPage}) again.
    expect((await adminFe(token, 'GET', '/api/pleroma/admin/users?page=1&filters=')).data.count).toBe(first.data.count + 2);

    // SearchUsers: the query as typed (not URL-encoded), with the filters of the toggles (ToggleUsersFilter).
    const search = await adminFe(token, 'GET', `/api/pleroma/admin/users?query=fe_&page=1&filters=local,active`);
    expect(search.status).toBe(200);
    let rows: Row[] = search.data.users;
    rows.forEach(expectTableRow);
    expect(rows.map((u) => u.nickname).sort()).toEqual([admin.username, `fe_bulk_${run}`, `fe_single_${run}`].sort());
    expect(search.data.count).toBe(3);
    const target = rows.find((u) => u.nickname === `fe_single_${run}`)!;
    expect(target).toMatchObject({ local: true, deactivated: false, roles: { admin: false, moderator: false }, tags: [] });

    // ToggleUserActivation: the answer replaces the row, which is read again afterwards.
    const toggled = await adminFe(token, 'PATCH', `/api/pleroma/admin/users/${target.nickname}/toggle_activation`);
    expect(toggled.status).toBe(200);
    rows = swapUser(rows, toggled.data);
    const swapped = rows.find((u) => u.id === target.id)!;
    expectTableRow(swapped);
    expect(swapped).toMatchObject({ nickname: target.nickname, deactivated: true, local: true, roles: { admin: false } });
    expect(rows.map((u) => u.nickname)).toEqual([...rows.map((u) => u.nickname)].sort((a, b) => a.localeCompare(b)));
    expect((await adminFe(token, 'PATCH', `/api/pleroma/admin/users/${target.nickname}/toggle_activation`)).data.deactivated).toBe(false);

    // AddTag / RemoveTag: `{nicknames, tags: [tag]}`; the client reads nothing and edits the rows itself.
    const tagged = await adminFe(token, 'PUT', '/api/pleroma/admin/users/tag', { nicknames: [target.nickname, `fe_bulk_${run}`], tags: ['force_nsfw'] });
    expect(tagged.status).toBe(204);
    const withTag = await adminFe(token, 'GET', `/api/pleroma/admin/users?query=fe_&page=1&filters=`);
    expect(
      withTag.data.users
        .filter((u: Row) => u.tags.includes('force_nsfw'))
        .map((u: Row) => u.nickname)
        .sort(),
    ).toEqual([`fe_bulk_${run}`, target.nickname].sort());
    const untagged = await adminFe(token, 'DELETE', '/api/pleroma/admin/users/tag', { nicknames: [`fe_bulk_${run}`], tags: ['force_nsfw'] });
    expect(untagged.status).toBe(204);

    // ToggleRight: POST, then DELETE, no body; the client flips roles[right] itself.
    expect((await adminFe(token, 'POST', `/api/pleroma/admin/users/${target.nickname}/permission_group/moderator`)).status).toBe(200);
    expect((await adminFe(token, 'GET', `/api/pleroma/admin/users?query=${target.nickname}&page=1&filters=`)).data.users[0].roles.moderator).toBe(true);
    expect((await adminFe(token, 'DELETE', `/api/pleroma/admin/users/${target.nickname}/permission_group/moderator`)).status).toBe(200);

    // userProfile: by id (the table links rows by id), together with the user's statuses.
    const [profile, statuses] = await Promise.all([
      adminFe(token, 'GET', `/api/pleroma/admin/users/${target.id}`),
      adminFe(token, 'GET', `/api/pleroma/admin/users/${target.id}/statuses?godmode=false`),
    ]);
    expect(profile.status).toBe(200);
    expect(profile.data).toMatchObject({
      id: target.id,
      nickname: target.nickname,
      display_name: target.nickname,
      tags: ['force_nsfw'],
      roles: { admin: false, moderator: false },
      local: true,
      deactivated: false,
    });
    expect('avatar' in profile.data).toBe(true);
    expect(statuses).toEqual({ status: 200, data: [] });

    // GenerateInviteToken (81510916): `{max_use}`, or `{max_use, expires_at}` when a date is picked.
    const plain = await adminFe(token, 'POST', '/api/pleroma/admin/users/invite_token', { max_use: 1 });
    expect(plain.status).toBe(200);
    expect(plain.data).toMatchObject({ token: expect.any(String), max_use: 1, expires_at: null });
    const dated = await adminFe(token, 'POST', '/api/pleroma/admin/users/invite_token', { max_use: 5, expires_at: '2099-04-07' });
    expect(dated.data).toMatchObject({ token: expect.any(String), max_use: 5, expires_at: '2099-04-07' });

    // FetchInviteTokens: `invites` reversed, newest first.
    const listed = await adminFe(token, 'GET', '/api/pleroma/admin/users/invites');
    expect(listed.status).toBe(200);
    const tokens = [...listed.data.invites].reverse();
    expect(tokens.slice(0, 2).map((i: { token: string }) => i.token)).toEqual([dated.data.token, plain.data.token]);
    for (const invite of tokens) {
      expect(Object.keys(invite)).toEqual(expect.arrayContaining(['id', 'token', 'expires_at', 'max_use', 'uses', 'used']));
      expect(typeof invite.used).toBe('boolean');
    }

    // RevokeToken: `{token}`; the client refetches and reads `used`.
    expect((await adminFe(token, 'POST', '/api/pleroma/admin/users/revoke_invite', { token: plain.data.token })).status).toBe(200);
    const afterRevoke = (await adminFe(token, 'GET', '/api/pleroma/admin/users/invites')).data.invites;
    expect(afterRevoke.find((i: { token: string }) => i.token === plain.data.token).used).toBe(true);
    expect(afterRevoke.find((i: { token: string }) => i.token === dated.data.token).used).toBe(false);

    // InviteUserViaEmail: both parameters in the query string, no body.
    const mailTo = `fe_friend_${run}@example.org`;
    const emailed = await adminFe(token, 'POST', `/api/pleroma/admin/users/email_invite?email=${mailTo}&name=Friend`);
    expect(emailed.status).toBe(204);
    const mails = await gw.database.rows<{ n: number }>(sql`select count(*)::int as n from outbox where kind = 'invite' and to_address = ${mailTo}`);
    expect(Number(mails[0].n)).toBe(1);
    expect((await adminFe(token, 'POST', `/api/pleroma/admin/users/email_invite?email=fe_other_${run}@example.org`)).status).toBe(204);

    // GetPasswordResetToken: an object with `token` and `link`, both shown to the admin.
    const reset = await adminFe(token, 'GET', `/api/pleroma/admin/users/${target.nickname}/password_reset`);
    expect(reset.status).toBe(200);
    expect(reset.data.token).toEqual(expect.any(String));
    expect(reset.data.link).toContain(encodeURIComponent(reset.data.token));
    const page = await gw.app.fetch(new Request(reset.data.link.replace(gw.config.mail.publicUrl, 'http://gateway.test')));
    expect(page.status).toBe(200);

    // DeleteUser: `?nickname=`, no body; the client drops the row named by the answer, and after a
    // reload the account is listed again, deactivated, as on Pleroma.
    const deleted = await adminFe(token, 'DELETE', `/api/pleroma/admin/users?nickname=fe_bulk_${run}`);
    expect(deleted).toEqual({ status: 200, data: `fe_bulk_${run}` });
    const reload = await adminFe(token, 'GET', `/api/pleroma/admin/users?query=fe_&page=1&filters=`);
    expect(reload.data.users.find((u: Row) => u.nickname === `fe_bulk_${run}`)).toMatchObject({ deactivated: true });
    const deactivatedOnly = await adminFe(token, 'GET', `/api/pleroma/admin/users?query=fe_&page=1&filters=deactivated`);
    expect(deactivatedOnly.data.users.map((u: Row) => u.nickname)).toEqual([`fe_bulk_${run}`]);
  }, 120_000);

  it('admin-fe refuses to sign in a non-admin, and the admin routes refuse its token as Pleroma words it', async () => {
    const plain = await gw.user({ username: `fe_plain_${run}`, password: PASSWORD });
    await expect(signIn(gw, plain.username, PASSWORD)).rejects.toThrow(/is_admin/);
    // The same account's token, put into the Admin-Token cookie by hand.
    const list = await adminFe(plain.token, 'GET', '/api/pleroma/admin/users?page=1&filters=');
    expect(list).toEqual({ status: 403, data: { error: 'User is not admin.' } });
    const created = await adminFe(plain.token, 'POST', '/api/pleroma/admin/users', {
      users: [{ nickname: `fe_no_${run}`, email: `fe_no_${run}@example.org`, password: PASSWORD }],
    });
    expect(created).toEqual({ status: 403, data: { error: 'User is not admin.' } });
    expect(await gw.database.rows(sql`select 1 from users where username = ${`fe_no_${run}`}`)).toEqual([]);
  }, 60_000);
});
