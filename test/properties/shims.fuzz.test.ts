import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { useGateway } from '../helpers/app.js';
import { makeGuild, makeVoiceRegion } from '../helpers/factories.js';
import {
  anything,
  caller,
  expectNoServerError,
  footprint,
  idTextOf,
  nastyDate,
  nastyJson,
  nastyNumber,
  nastyString,
  orJunk,
  pick,
  partial,
  pathSegment,
  pct,
  queryString,
  type Caller,
} from './arbitraries.js';

/**
 * Property: every legacy shim route (src/rest/*\/routes.ts, clients.ts), with random bodies, query
 * strings and path segments, as a superadmin, a moderator, a plain user and no one, answers below 500, never with an
 * internal error, and writes nothing when it refuses.
 */
const gw = useGateway();
const tokens: Record<Caller, string | null> = { admin: null, moderator: null, plain: null, none: null };
const ids: string[] = [];
const names: string[] = [];
/** Litecord guilds and voice regions the guild and voice routes are pointed at. */
const guildIds: string[] = [];
const regionIds: string[] = [];

beforeAll(async () => {
  tokens.admin = (await gw.user({ roles: ['superadmin'] })).token;
  tokens.moderator = (await gw.user({ roles: ['moderator'] })).token;
  tokens.plain = (await gw.user()).token;
  for (let i = 0; i < 3; i++) {
    const u = await gw.user({ username: `shimfuzz_${i}_target` });
    ids.push(u.id.toString());
    names.push(u.username);
  }
  for (let i = 0; i < 2; i++) {
    regionIds.push((await makeVoiceRegion(gw, { vip: i === 1 })).id);
    guildIds.push((await makeGuild(gw, { features: ['NEWS'], region: regionIds[0] })).id.toString());
  }
});

const id = () => orJunk(idTextOf(ids));
const idSegment = fc.oneof(pathSegment(ids), pathSegment(names));
const nameSegment = fc.oneof(pathSegment(names), pathSegment(ids));
const str = orJunk(nastyString);
const strs = orJunk(fc.array(nastyString, { maxLength: 3 }));
const num = orJunk(nastyNumber);
const bool = orJunk(fc.boolean());
const qv = (arb: fc.Arbitrary<string>) => arb.map(pct);
const qnum = qv(fc.oneof(fc.integer({ min: -2, max: 200 }).map(String), nastyString));

/** A JSON body shaped like `fields`, or any JSON, or text that is not JSON. */
const body = (shape: fc.Arbitrary<unknown>): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 6, arbitrary: shape.map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: nastyJson.map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 1, arbitrary: fc.constantFrom('', '{', 'null', '[]', '"x"', '{"a":1}{', '\u0000', '{"a\\u0000":1}', `[${'['.repeat(5000)}${']'.repeat(5001)}`) },
  );

interface Route {
  method: string;
  path: fc.Arbitrary<string>;
  body?: fc.Arbitrary<string>;
  bare?: boolean;
}

const route = (method: string, path: fc.Arbitrary<string> | string, shape?: fc.Arbitrary<unknown>, bare = false): Route => ({
  method,
  path: typeof path === 'string' ? fc.constant(path) : path,
  body: shape && body(shape),
  bare,
});
const at = (prefix: string, seg: fc.Arbitrary<string>, suffix = '') => seg.map((s) => `${prefix}${s}${suffix}`);
const withQuery = (path: string, params: Record<string, fc.Arbitrary<string>>) => queryString(params).map((q) => `${path}${q}`);

const liquidTarget = partial({ target: orJunk(fc.oneof(idTextOf(ids), fc.array(idTextOf(ids), { maxLength: 2 }))), state: bool });
const liquidPerson = partial({ username: str, firstName: str, lastName: str, email: str, password: str, role: str, phoneCountryCode: str, phone: str });
const appFields = partial({
  id: str,
  grants: strs,
  redirectUris: strs,
  role: orJunk(fc.constantFrom('internal_client', 'external_client')),
  scope: strs,
  displayName: str,
  secret: str,
});

const routes: Route[] = [
  // Liquid /user/admin-api
  route(
    'POST',
    '/user/admin-api/access',
    partial({
      targets: fc.array(id(), { maxLength: 3 }),
      targetType: orJunk(fc.constantFrom('user', 'client', 'role')),
      scope: orJunk(fc.array(fc.oneof(fc.constantFrom('admin:profile:read', 'admin:users:read', 'delegated:all', '*'), nastyString), { maxLength: 3 })),
      operation: orJunk(fc.constantFrom('set', 'add', 'del')),
    }),
  ),
  route('POST', '/user/admin-api/create', orJunk(fc.array(liquidPerson, { maxLength: 3 }))),
  route('GET', withQuery('/user/admin-api/list', { limit: qnum, offset: qv(idTextOf(ids)) })),
  route('GET', withQuery('/user/admin-api/user-info', { targets: fc.array(idTextOf(ids), { maxLength: 3 }).map((t) => pct(t.join(','))) })),
  route(
    'PATCH',
    '/user/admin-api/update',
    fc.tuple(liquidPerson, partial({ target: id() })).map(([a, b]) => ({ ...a, ...b })),
  ),
  route('PUT', '/user/admin-api/custom-data', partial({ target: id(), customData: orJunk(nastyJson) })),
  ...['ban', 'restrict', 'verify'].map((p) => route('POST', `/user/admin-api/${p}`, liquidTarget)),
  route(
    'POST',
    '/user/admin-api/credits',
    partial({
      target: id(),
      operation: orJunk(fc.constantFrom('increment', 'decrement', 'set')),
      type: orJunk(fc.constantFrom('increment', 'set')),
      value: num,
    }),
  ),
  route('GET', withQuery('/user/admin-api/invite-codes', { target: qv(idTextOf(ids)) })),
  route('POST', '/user/admin-api/retrieve-user-info', partial({ targets: orJunk(fc.array(idTextOf(ids), { maxLength: 3 })), field: orJunk(str) })),
  route('POST', '/user/admin-api/search', partial({ query: orJunk(nastyString) })),
  route(
    'POST',
    '/user/admin-api/subscription',
    partial({
      target: id(),
      state: bool,
      expiry: orJunk(fc.constantFrom('2100-01-01', '2000-01-01T00:00:00Z', '99999-01-01')),
      tier: orJunk(fc.constantFrom('basic', 'premium')),
    }),
  ),
  route('GET', withQuery('/user/admin-api/login-history', { target: qv(idTextOf(ids)), limit: qnum, offset: qv(nastyString) })),
  route('GET', '/user/admin-api/editable-fields'),
  route('GET', '/user/admin-api/subscription-tiers'),
  route('GET', '/user/me'),
  route('GET', '/system/settings'),
  route('GET', '/system/countries-insecure'),
  // Liquid /client/admin-api
  route('POST', '/client/admin-api/create', orJunk(fc.oneof(fc.array(appFields, { maxLength: 2 }), appFields))),
  route(
    'PATCH',
    '/client/admin-api/update',
    fc.tuple(appFields, partial({ target: id() })).map(([a, b]) => ({ ...a, ...b })),
  ),
  route('DELETE', '/client/admin-api/delete', partial({ target: id() })),
  route('GET', withQuery('/client/admin-api/list', { limit: qnum, offset: qv(idTextOf(ids)) })),
  // Liquid scopes and roles
  route('GET', '/user/scopes'),
  route('GET', withQuery('/roles/list', { limit: qnum })),
  route('POST', '/roles/admin-api/create', partial({ id: str, displayName: str, ranking: num, description: str, scope: strs })),
  route('PATCH', '/roles/admin-api/update', partial({ target: str, displayName: str, ranking: num, description: str })),
  route('DELETE', '/roles/admin-api/delete', partial({ target: str })),
  // Pleroma /api/pleroma/admin
  route(
    'GET',
    withQuery('/api/pleroma/admin/users', {
      query: qv(nastyString),
      filters: qv(fc.constantFrom('local', 'external,active', 'is_admin', 'bogus', '')),
      page: qnum,
      page_size: qnum,
      name: qv(nastyString),
      email: qv(nastyString),
      'tags[]': qv(nastyString),
    }),
  ),
  route('POST', '/api/pleroma/admin/users', partial({ nickname: str, email: str, password: str })),
  route('POST', '/api/pleroma/admin/users', partial({ users: orJunk(fc.array(partial({ nickname: str, email: str, password: str }), { maxLength: 3 })) })),
  route('POST', '/api/pleroma/admin/users/invite_token', partial({ max_use: num, expires_at: orJunk(nastyDate.map((d) => d.slice(0, 10))) })),
  route('POST', withQuery('/api/pleroma/admin/users/email_invite', { email: qv(nastyString), name: qv(nastyString) })),
  route('GET', at('/api/pleroma/admin/users/', nameSegment, '/statuses')),
  route('DELETE', withQuery('/api/pleroma/admin/users', { nickname: nameSegment })),
  ...['PUT', 'DELETE'].map((m) => route(m, '/api/pleroma/admin/users/tag', partial({ nicknames: strs, tags: strs }))),
  route(
    'GET',
    withQuery('/api/pleroma/admin/users/invite_token', {
      'invite[max_use]': qnum,
      'invite[expires_at]': qv(
        fc.oneof(
          nastyDate.map((d) => d.slice(0, 10)),
          nastyDate,
        ),
      ),
    }),
  ),
  route('GET', '/api/pleroma/admin/users/invites'),
  route('POST', '/api/pleroma/admin/users/email_invite', partial({ email: str, name: str })),
  route('POST', '/api/pleroma/admin/users/revoke_invite', partial({ token: str })),
  route('GET', at('/api/pleroma/admin/users/', nameSegment)),
  route('PATCH', at('/api/pleroma/admin/users/', nameSegment, '/toggle_activation')),
  route('PUT', at('/api/pleroma/admin/users/', nameSegment, '/activation_status'), partial({ status: bool })),
  route('GET', at('/api/pleroma/admin/users/', nameSegment, '/password_reset')),
  route('GET', at('/api/pleroma/admin/users/', nameSegment, '/permission_group')),
  ...['GET', 'POST', 'DELETE'].map((m) =>
    route(
      m,
      fc
        .tuple(nameSegment, fc.oneof(fc.constantFrom('admin', 'moderator'), pathSegment([])))
        .map(([n, g]) => `/api/pleroma/admin/users/${n}/permission_group/${g}`),
    ),
  ),
  ...['follow', 'unfollow'].map((verb) => route('POST', `/api/pleroma/admin/users/${verb}`, partial({ follower: str, followed: str }))),
  route('GET', '/api/pleroma/admin/relay'),
  // POST /relay fetches the URL it is given (a name would be resolved), so only DELETE, which fetches nothing, is fuzzed.
  route('DELETE', '/api/pleroma/admin/relay', partial({ relay_url: str })),
  // CookieCMS /api/admin (and /api/home, /api/auth/login)
  route('GET', withQuery('/api/admin/users', { page: qnum, limit: qnum })),
  route('GET', '/api/admin/users/'),
  route('GET', at('/api/admin/user/', idSegment)),
  route(
    'PATCH',
    at('/api/admin/user/', idSegment),
    partial({ username: str, mail: str, mail_verify: orJunk(fc.constantFrom(0, 1, true, false)), password: str, perms: num }),
  ),
  route(
    'PUT',
    at('/api/admin/user/', idSegment),
    partial({
      Username: str,
      Mail: str,
      Mail_verify: orJunk(fc.constantFrom(0, 1, true, false)),
      PermLvl: orJunk(fc.constantFrom(0, 1, 2, 3, 4, 5)),
      Capes: anything,
    }),
  ),
  route(
    'POST',
    at('/api/admin/user/role/', idSegment),
    partial({ user: num, role_level: orJunk(fc.constantFrom(1, 2, 3, 4, 5)), expired_at: fc.oneof(num, orJunk(nastyDate), fc.constant(null)) }),
  ),
  route('POST', '/api/admin/mail', partial({ subject: str, message: str })),
  route('GET', withQuery('/api/admin/audit', { limit: qnum })),
  route('GET', withQuery('/api/admin/metrics', { days: qnum })),
  route('GET', '/api/home'),
  route('POST', '/api/auth/login', partial({ username: orJunk(fc.oneof(fc.constant('shimfuzz_0_target'), nastyString)), password: str })),
  // Litecord /api/v6/admin (the token without a scheme)
  route('PUT', '/api/v6/admin/users', partial({ username: str, email: str, password: str }), true),
  route(
    'GET',
    withQuery('/api/v6/admin/users', {
      username: qv(nastyString),
      discriminator: qv(fc.oneof(fc.stringMatching(/^\d{4}$/), nastyString)),
      page: qnum,
      per_page: qnum,
    }),
    undefined,
    true,
  ),
  route('DELETE', at('/api/v6/admin/users/', idSegment), undefined, true),
  route('PATCH', at('/api/v6/admin/users/', idSegment), partial({ flags: num }), true),
  route('GET', '/api/v6/admin/instance/invites', undefined, true),
  route('PUT', '/api/v6/admin/instance/invites', partial({ max_uses: num }), true),
  route('DELETE', at('/api/v6/admin/instance/invites/', pathSegment([])), undefined, true),
  // Litecord guilds and voice regions
  ...['GET', 'DELETE'].map((m) => route(m, at('/api/v6/admin/guilds/', pathSegment(guildIds)), undefined, true)),
  route('PATCH', at('/api/v6/admin/guilds/', pathSegment(guildIds)), partial({ unavailable: bool }), true),
  ...['PATCH', 'PUT', 'DELETE'].map((m) =>
    route(
      m,
      at('/api/v6/admin/guilds/', pathSegment(guildIds), '/features'),
      partial({ features: orJunk(fc.array(fc.oneof(fc.constantFrom('NEWS', 'VERIFIED', 'VANITY_URL', 'VIP_REGIONS'), nastyString), { maxLength: 3 })) }),
      true,
    ),
  ),
  route('GET', '/api/v6/admin/voice/regions', undefined, true),
  route(
    'PUT',
    '/api/v6/admin/voice/regions',
    partial({ id: orJunk(fc.oneof(pick(regionIds), nastyString)), name: str, vip: bool, deprecated: bool, custom: bool }),
    true,
  ),
  route('GET', at('/api/v6/admin/voice/regions/', pathSegment(regionIds)), undefined, true),
  route('PUT', at('/api/v6/admin/voice/regions/', pathSegment(regionIds), '/server'), partial({ hostname: str }), true),
  route('PUT', at('/api/v6/admin/voice/regions/', pathSegment(regionIds), '/deprecate'), undefined, true),
  // pronouns.cc /api/v1/users and /users (the token without a scheme)
  route('GET', at('/api/v1/users/', nameSegment), undefined, true),
  route('GET', '/users/@me', undefined, true),
  route(
    'PATCH',
    '/api/v1/users/@me',
    partial({
      name: str,
      display_name: str,
      bio: str,
      member_title: str,
      links: strs,
      names: anything,
      pronouns: orJunk(fc.array(partial({ pronouns: str, display_text: str, status: str }), { maxLength: 2 })),
      fields: anything,
      flags: strs,
      avatar: orJunk(fc.constantFrom('', 'data:image/png;base64,AAAA', 'data:image/svg+xml;base64,PHN2Zz4=')),
      timezone: orJunk(fc.constantFrom('', 'Europe/Berlin', 'Mars/Olympus')),
      list_private: bool,
      custom_preferences: anything,
    }),
    true,
  ),
  route('GET', '/api/v1/users/@me/flags', undefined, true),
  route('POST', '/api/v1/users/@me/flags', partial({ flag: str, name: str, description: str }), true),
  route('PATCH', at('/api/v1/users/@me/flags/', pathSegment([])), partial({ name: str, description: str }), true),
  route('DELETE', at('/users/@me/flags/', pathSegment([])), undefined, true),
  route('GET', '/users/@me/reroll', undefined, true),
];

const request = fc
  .tuple(fc.nat({ max: routes.length - 1 }), caller)
  .chain(([i, who]) => fc.tuple(fc.constant(i), fc.constant(who), routes[i].path, routes[i].body ?? fc.constant(undefined), fc.option(anything, { freq: 20 })));

describe('legacy shim inputs (property)', () => {
  it('every route: never a 5xx or an internal error; a refusal writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(request, async ([i, who, path, text, _]) => {
        const r = routes[i];
        const token = tokens[who];
        const headers: Record<string, string> = token ? { authorization: r.bare ? token : `Bearer ${token}` } : {};
        if (text !== undefined) headers['content-type'] = 'application/json';
        const before = await footprint(gw);
        const res = await gw.request(path, { method: r.method, headers, body: text });
        const answer = await res.text();
        const what = `${who} ${r.method} ${path} ${text?.slice(0, 300) ?? ''}`;
        expectNoServerError(res.status, answer, what);
        if (res.status >= 400) expect(await footprint(gw), `${what} wrote on a refusal (${res.status} ${answer.slice(0, 200)})`).toBe(before);
      }),
      { numRuns: 300 },
    );
  });
});
