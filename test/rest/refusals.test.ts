import { sql } from 'drizzle-orm';
import type { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ShimDeps } from '../../src/rest/shim.js';
import { cookieRoutes } from '../../src/rest/cookiecms/routes.js';
import { liquidClientRoutes } from '../../src/rest/liquid/clients.js';
import { liquidRoleRoutes } from '../../src/rest/liquid/roles.routes.js';
import { liquidRoutes } from '../../src/rest/liquid/routes.js';
import { liquidScopeRoutes } from '../../src/rest/liquid/scopes.routes.js';
import { litecordRoutes } from '../../src/rest/litecord/routes.js';
import { pleromaRoutes } from '../../src/rest/pleroma/routes.js';
import { pronounsRoutes } from '../../src/rest/pronouns/routes.js';
import { useGateway } from '../helpers/app.js';
import { mutate, restClient } from '../helpers/clients.js';
import { makeApplication, makeGuild, makeInvite, makeVoiceRegion } from '../helpers/factories.js';
import { makeCape, makeSkin } from '../modules/skins/textures.js';

/**
 * One legacy route = one GraphQL operation, so a refused request writes nothing. Every shim route
 * that changes data is called here in ways that are refused (no token, missing scope, rank too low,
 * bad input mid-way through a batch, a role or level the caller cannot give together with a profile
 * change), and every table (audit_log included, row by row) must be byte for byte as before.
 */
const gw = useGateway();

type Who = 'anon' | 'plain' | 'mod' | 'admin';
interface Fixture {
  tokens: Record<Who, string | null>;
  admin: { id: bigint; username: string };
  peer: { id: bigint; username: string };
  target: { id: bigint; username: string };
  rootApp: string;
  adminApp: string;
  /** A guild with NEWS, a voice region and one of its servers' hostname (Litecord guilds and voice). */
  guild: string;
  region: string;
  host: string;
  /** CookieCMS: the target's skin, a cape the target has, and one nobody has. */
  skin: string;
  cape: string;
  strayCape: string;
}
const fx = {} as Fixture;

/** The mounts of the four shims, and each route's own prefix. */
const MOUNTS = {
  litecord: '/api/v6/admin',
  pleroma: '/api/pleroma/admin',
  liquid: '/user/admin-api',
  liquidClient: '/client/admin-api',
  liquidUser: '/user',
  liquidRoles: '/roles',
  cookie: '/api',
  pronouns: '/api/v1/users',
} as const;
type Mount = keyof typeof MOUNTS;

interface Case {
  /** `<mount> <METHOD> <route pattern>`, as the route is registered. */
  route: string;
  why: string;
  who: Who;
  path: (f: Fixture) => string;
  json?: (f: Fixture) => unknown;
  status: number;
}

const c = (
  mount: Mount,
  method: string,
  pattern: string,
  cases: [why: string, who: Who, status: number, path: ((f: Fixture) => string) | null, json?: (f: Fixture) => unknown][],
): Case[] => cases.map(([why, who, status, path, json]) => ({ route: `${mount} ${method} ${pattern}`, why, who, status, path: path ?? (() => pattern), json }));

const person = (n: string, extra: Record<string, unknown> = {}) => ({
  username: `refused_${n}`,
  firstName: 'Re',
  lastName: 'Fused',
  email: `refused_${n}@example.org`,
  password: 'refused-pass-1',
  ...extra,
});
const client = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  grants: ['client_credentials'],
  redirectUris: ['https://redirect.example'],
  role: 'external_client',
  scope: ['admin:profile:read'],
  displayName: id,
  ...extra,
});

const NO_UUID = '00000000-0000-4000-8000-000000000000';

const CASES: Case[] = [
  // Litecord (`Authorization: <token>`; a refused caller is 401 "you are not staff").
  ...c('litecord', 'PUT', '/users', [
    ['no token', 'anon', 401, null, () => ({ username: 'lc_anon', email: 'lc_anon@example.org', password: 'litecord-pass' })],
    ['missing admin:users:write', 'plain', 401, null, () => ({ username: 'lc_plain', email: 'lc_plain@example.org', password: 'litecord-pass' })],
    ['bad email', 'admin', 400, null, () => ({ username: 'lc_bad', email: 'not-an-email', password: 'litecord-pass' })],
    ['username taken', 'admin', 400, null, (f) => ({ username: f.target.username, email: 'lc_taken@example.org', password: 'litecord-pass' })],
  ]),
  // Litecord's route takes POST as well (main's sign-in work); the same refusals as PUT.
  ...c('litecord', 'POST', '/users', [
    ['no token', 'anon', 401, null, () => ({ username: 'lc_anon', email: 'lc_anon@example.org', password: 'litecord-pass' })],
    ['bad email', 'admin', 400, null, () => ({ username: 'lc_bad', email: 'not-an-email', password: 'litecord-pass' })],
  ]),
  ...c('litecord', 'DELETE', '/users/:id', [
    ['missing admin:users:delete', 'mod', 401, (f) => `/users/${f.target.id}`],
    ['peer ranked as high', 'admin', 401, (f) => `/users/${f.peer.id}`],
  ]),
  ...c('litecord', 'PATCH', '/users/:id', [
    ['missing scope', 'plain', 401, (f) => `/users/${f.target.id}`, () => ({ flags: 2 })],
    ['moderator on an admin (staff bit kept)', 'mod', 401, (f) => `/users/${f.admin.id}`, () => ({ flags: 3 })],
    ['the staff bit', 'admin', 403, (f) => `/users/${f.target.id}`, () => ({ flags: 3 })],
  ]),
  ...c('litecord', 'PUT', '/instance/invites', [
    ['missing admin:invites:write', 'mod', 401, null, () => ({ max_uses: 5 })],
    ['max_uses 0', 'admin', 400, null, () => ({ max_uses: 0 })],
  ]),
  ...c('litecord', 'DELETE', '/instance/invites/:code', [
    ['missing admin:invites:write', 'mod', 401, () => '/instance/invites/REFUSALS-INVITE'],
    ['unknown code', 'admin', 404, () => '/instance/invites/NO-SUCH-CODE'],
  ]),

  // Litecord guilds and voice regions.
  ...c('litecord', 'PATCH', '/guilds/:id', [
    ['missing admin:guilds:write', 'mod', 401, (f) => `/guilds/${f.guild}`, () => ({ unavailable: true })],
    ['a bad body', 'admin', 400, (f) => `/guilds/${f.guild}`, () => ({ unavailable: 'yes' })],
    ['unknown guild', 'admin', 404, () => '/guilds/1', () => ({ unavailable: true })],
  ]),
  ...c('litecord', 'DELETE', '/guilds/:id', [
    ['missing admin:guilds:write', 'mod', 401, (f) => `/guilds/${f.guild}`],
    ['unknown guild', 'admin', 404, () => '/guilds/1'],
  ]),
  ...c('litecord', 'PATCH', '/guilds/:id/features', [
    ['missing admin:guilds:write', 'mod', 401, (f) => `/guilds/${f.guild}/features`, () => ({ features: ['VERIFIED'] })],
    ['an unknown feature after a good one', 'admin', 400, (f) => `/guilds/${f.guild}/features`, () => ({ features: ['VERIFIED', 'nope'] })],
  ]),
  ...c('litecord', 'PUT', '/guilds/:id/features', [
    ['no staff scope', 'plain', 401, (f) => `/guilds/${f.guild}/features`, () => ({ features: ['VERIFIED'] })],
    ['unknown guild', 'admin', 404, () => '/guilds/1/features', () => ({ features: ['VERIFIED'] })],
  ]),
  ...c('litecord', 'DELETE', '/guilds/:id/features', [
    ['missing admin:guilds:write', 'mod', 401, (f) => `/guilds/${f.guild}/features`, () => ({ features: ['NEWS'] })],
    ['one feature the guild lacks', 'admin', 400, (f) => `/guilds/${f.guild}/features`, () => ({ features: ['NEWS', 'VERIFIED'] })],
  ]),
  ...c('litecord', 'PUT', '/voice/regions', [
    ['missing admin:voice:write', 'mod', 401, null, () => ({ id: 'refused-region', name: 'Refused' })],
    ['a taken id (any case)', 'admin', 400, null, (f) => ({ id: f.region.toUpperCase(), name: 'Again' })],
    ['an unknown key', 'admin', 400, null, () => ({ id: 'refused-region', name: 'Refused', admin: true })],
  ]),
  ...c('litecord', 'PUT', '/voice/regions/:region/server', [
    ['missing admin:voice:write', 'mod', 401, (f) => `/voice/regions/${f.region}/server`, () => ({ hostname: 'refused.example.org' })],
    ['a taken hostname', 'admin', 400, (f) => `/voice/regions/${f.region}/server`, (f) => ({ hostname: f.host })],
    ['unknown region', 'admin', 404, () => '/voice/regions/nowhere/server', () => ({ hostname: 'refused.example.org' })],
  ]),
  ...c('litecord', 'PUT', '/voice/regions/:region/deprecate', [['missing admin:voice:write', 'mod', 401, (f) => `/voice/regions/${f.region}/deprecate`]]),

  // Pleroma.
  ...c('pleroma', 'POST', '/users', [
    ['not admin', 'plain', 403, null, () => ({ nickname: 'pl_plain', email: 'pl_plain@example.org', password: 'pleroma-pass' })],
    ['remote nickname', 'admin', 400, null, () => ({ nickname: 'pl@remote.example', email: 'pl_remote@example.org', password: 'pleroma-pass' })],
    ['bad email', 'admin', 400, null, () => ({ nickname: 'pl_bad', email: 'nope', password: 'pleroma-pass' })],
    ['bulk, not admin', 'plain', 403, null, () => ({ users: [{ nickname: 'pl_bulk', email: 'pl_bulk@example.org', password: 'pleroma-pass' }] })],
    [
      'bulk, the second nickname taken',
      'admin',
      409,
      null,
      (f) => ({
        users: [
          { nickname: 'pl_bulk', email: 'pl_bulk@example.org', password: 'pleroma-pass' },
          { nickname: f.target.username, email: 'pl_bulk2@example.org', password: 'pleroma-pass' },
        ],
      }),
    ],
  ]),
  ...c('pleroma', 'DELETE', '/users', [
    ['not admin', 'plain', 403, (f) => `/users?nickname=${f.target.username}`],
    ['peer ranked as high', 'admin', 403, (f) => `/users?nickname=${f.peer.username}`],
  ]),
  ...c('pleroma', 'PUT', '/users/tag', [
    ['not admin', 'plain', 403, null, (f) => ({ nicknames: [f.target.username], tags: ['mrf_tag:sandbox'] })],
    ['one nickname ranked as high', 'admin', 403, null, (f) => ({ nicknames: [f.target.username, f.peer.username], tags: ['mrf_tag:sandbox'] })],
    ['one nickname unknown', 'admin', 404, null, (f) => ({ nicknames: [f.target.username, 'nobody_at_all'], tags: ['mrf_tag:sandbox'] })],
  ]),
  ...c('pleroma', 'DELETE', '/users/tag', [
    ['not admin', 'plain', 403, null, (f) => ({ nicknames: [f.target.username], tags: ['keep'] })],
    ['one nickname ranked as high', 'admin', 403, null, (f) => ({ nicknames: [f.target.username, f.peer.username], tags: ['keep'] })],
  ]),
  ...c('pleroma', 'GET', '/users/invite_token', [
    ['not admin', 'plain', 403, () => '/users/invite_token?invite[max_use]=3'],
    ['max_use 0', 'admin', 400, () => '/users/invite_token?invite[max_use]=0'],
  ]),
  ...c('pleroma', 'POST', '/users/follow', [['not admin', 'plain', 403, null, (f) => ({ follower: f.target.username, followed: f.peer.username })]]),
  ...c('pleroma', 'POST', '/users/unfollow', [['not admin', 'plain', 403, null, (f) => ({ follower: f.target.username, followed: f.peer.username })]]),
  ...c('pleroma', 'POST', '/relay', [['not admin', 'plain', 403, null, () => ({ relay_url: 'https://relay.example.org/actor' })]]),
  ...c('pleroma', 'DELETE', '/relay', [['not admin', 'plain', 403, null, () => ({ relay_url: 'https://relay.example.org/actor' })]]),
  ...c('pleroma', 'POST', '/users/invite_token', [
    ['not admin', 'plain', 403, null, () => ({ max_use: 3 })],
    ['max_use 0', 'admin', 400, null, () => ({ max_use: 0, expires_at: '2099-01-01' })],
  ]),
  ...c('pleroma', 'POST', '/users/email_invite', [
    ['not admin', 'plain', 403, null, () => ({ email: 'invitee@example.org' })],
    ['bad email', 'admin', 400, null, () => ({ email: 'nope' })],
  ]),
  ...c('pleroma', 'POST', '/users/revoke_invite', [
    ['not admin', 'plain', 403, null, () => ({ token: 'REFUSALS-INVITE' })],
    ['unknown token', 'admin', 404, null, () => ({ token: 'NO-SUCH-CODE' })],
  ]),
  ...c('pleroma', 'PATCH', '/users/:nickname/toggle_activation', [
    ['not admin', 'plain', 403, (f) => `/users/${f.target.username}/toggle_activation`],
    ['peer ranked as high', 'admin', 403, (f) => `/users/${f.peer.username}/toggle_activation`],
    ['oneself', 'admin', 403, (f) => `/users/${f.admin.username}/toggle_activation`],
  ]),
  ...c('pleroma', 'PUT', '/users/:nickname/activation_status', [
    ['peer ranked as high', 'admin', 403, (f) => `/users/${f.peer.username}/activation_status`, () => ({ status: false })],
    ['bad body', 'admin', 400, (f) => `/users/${f.target.username}/activation_status`, () => ({ status: 'off' })],
  ]),
  ...c('pleroma', 'GET', '/users/:nickname/password_reset', [
    ['not admin', 'plain', 403, (f) => `/users/${f.target.username}/password_reset`],
    ['peer ranked as high', 'admin', 403, (f) => `/users/${f.peer.username}/password_reset`],
  ]),
  ...c('pleroma', 'POST', '/users/:nickname/permission_group/:permission_group', [
    ['not admin', 'plain', 403, (f) => `/users/${f.target.username}/permission_group/moderator`],
    ["a group at the caller's own rank", 'admin', 403, (f) => `/users/${f.target.username}/permission_group/admin`],
    ['no such group', 'admin', 404, (f) => `/users/${f.target.username}/permission_group/owner`],
  ]),
  ...c('pleroma', 'DELETE', '/users/:nickname/permission_group/:permission_group', [
    ['peer ranked as high', 'admin', 403, (f) => `/users/${f.peer.username}/permission_group/admin`],
    ['own last admin status', 'admin', 403, (f) => `/users/${f.admin.username}/permission_group/admin`],
  ]),
  ...c('pleroma', 'POST', '/users/follow', [
    ['not admin', 'plain', 403, null, (f) => ({ follower: f.target.username, followed: f.peer.username })],
    ['missing admin:follows:write', 'mod', 403, null, (f) => ({ follower: f.target.username, followed: f.peer.username })],
    ['no followed', 'admin', 400, null, (f) => ({ follower: f.target.username })],
  ]),
  ...c('pleroma', 'POST', '/users/unfollow', [
    ['not admin', 'plain', 403, null, (f) => ({ follower: f.target.username, followed: f.peer.username })],
    ['unknown key', 'admin', 400, null, (f) => ({ follower: f.target.username, followed: f.peer.username, also: 1 })],
  ]),
  ...c('pleroma', 'POST', '/relay', [
    ['not admin', 'plain', 403, null, () => ({ relay_url: 'https://relay.invalid/actor' })],
    ['malformed URL', 'admin', 400, null, () => ({ relay_url: 'not a url' })],
  ]),
  ...c('pleroma', 'DELETE', '/relay', [
    ['not admin', 'plain', 403, null, () => ({ relay_url: 'https://relay.invalid/actor' })],
    ['not a followed relay', 'admin', 404, null, () => ({ relay_url: 'https://relay.invalid/actor' })],
    ['no relay_url', 'admin', 400, null, () => ({})],
  ]),

  // Liquid users.
  ...c('liquidUser', 'POST', '/admin-api/access', [
    [
      'missing admin:roles:grant',
      'mod',
      401,
      null,
      (f) => ({ targets: [String(f.target.id)], targetType: 'user', scope: ['admin:profile:read'], operation: 'add' }),
    ],
    [
      'one target ranked as high',
      'admin',
      401,
      null,
      (f) => ({ targets: [String(f.target.id), String(f.peer.id)], targetType: 'user', scope: ['admin:profile:read'], operation: 'add' }),
    ],
    ['a scope the caller lacks', 'admin', 401, null, (f) => ({ targets: [String(f.target.id)], targetType: 'user', scope: ['admin:all'], operation: 'set' })],
    ['unknown scope name', 'admin', 400, null, (f) => ({ targets: [String(f.target.id)], targetType: 'user', scope: ['admin:made:up'], operation: 'add' })],
    ['a role not ranked below the caller', 'admin', 401, null, () => ({ targets: ['admin'], targetType: 'role', scope: ['delegated:all'], operation: 'add' })],
    [
      'a write name on an external client',
      'admin',
      400,
      null,
      (f) => ({ targets: [f.adminApp], targetType: 'client', scope: ['client:profile:write'], operation: 'add' }),
    ],
  ]),
  ...c('liquidRoles', 'POST', '/admin-api/create', [
    ['missing admin:roles:write', 'admin', 401, null, () => ({ id: 'refused_role', displayName: 'Refused', ranking: 900 })],
    ['ranking 1 (superadmin’s)', 'admin', 400, null, () => ({ id: 'refused_role', displayName: 'Refused', ranking: 1 })],
  ]),
  ...c('liquidRoles', 'PATCH', '/admin-api/update', [
    ['missing admin:roles:write', 'admin', 401, null, () => ({ target: 'moderator', displayName: 'Renamed' })],
    ['no target', 'admin', 400, null, () => ({ displayName: 'Renamed' })],
  ]),
  ...c('liquidRoles', 'DELETE', '/admin-api/delete', [
    ['missing admin:roles:write', 'mod', 401, null, () => ({ target: 'moderator' })],
    ['no target', 'admin', 400, null, () => ({})],
  ]),
  ...c('liquid', 'POST', '/create', [
    ['not allowed', 'plain', 401, null, () => [person('plain0001')]],
    ['bad second item', 'admin', 400, null, () => [person('good00001'), person('bad000001', { email: 'nope' })]],
    ['a role above the caller in the second item', 'admin', 401, null, () => [person('good00002'), person('role00002', { role: 'super_admin' })]],
    ['a taken username in the second item', 'admin', 400, null, (f) => [person('good00003'), { ...person('x'), username: f.target.username.padEnd(8, '_') }]],
  ]),
  ...c('liquid', 'PATCH', '/update', [
    ['not allowed', 'plain', 401, null, (f) => ({ target: String(f.target.id), firstName: 'Changed' })],
    ["a role at the caller's rank with a profile change", 'admin', 401, null, (f) => ({ target: String(f.target.id), firstName: 'Changed', role: 'admin' })],
    [
      'a role without admin:roles:grant with a profile change',
      'mod',
      401,
      null,
      (f) => ({ target: String(f.target.id), firstName: 'Changed', role: 'moderator' }),
    ],
    ['bad email with a role', 'admin', 400, null, (f) => ({ target: String(f.target.id), firstName: 'Changed', email: 'nope', role: 'moderator' })],
    ['peer ranked as high', 'admin', 401, null, (f) => ({ target: String(f.peer.id), firstName: 'Changed' })],
  ]),
  ...c('liquid', 'PUT', '/custom-data', [
    ['not allowed', 'plain', 401, null, (f) => ({ target: String(f.target.id), customData: { a: 1 } })],
    ['peer ranked as high', 'admin', 401, null, (f) => ({ target: String(f.peer.id), customData: { a: 1 } })],
  ]),
  ...c('liquid', 'POST', '/ban', [
    ['missing admin:users:ban', 'mod', 401, null, (f) => ({ target: String(f.target.id), state: true })],
    ['peer ranked as high', 'admin', 401, null, (f) => ({ target: String(f.peer.id), state: true })],
  ]),
  ...c('liquid', 'POST', '/restrict', [
    ['not allowed', 'plain', 401, null, (f) => ({ target: String(f.target.id), state: true })],
    ['moderator on an admin', 'mod', 401, null, (f) => ({ target: String(f.admin.id), state: true })],
  ]),
  ...c('liquid', 'POST', '/verify', [
    ['not allowed', 'plain', 401, null, (f) => ({ target: String(f.target.id), state: true })],
    ['peer ranked as high', 'admin', 401, null, (f) => ({ target: String(f.peer.id), state: true })],
  ]),
  ...c('liquid', 'POST', '/credits', [
    ['not allowed', 'plain', 401, null, (f) => ({ target: String(f.target.id), type: 'set', value: 9 })],
    ['below zero', 'admin', 400, null, (f) => ({ target: String(f.target.id), type: 'decrement', value: 1 })],
    ['peer ranked as high', 'admin', 401, null, (f) => ({ target: String(f.peer.id), type: 'set', value: 9 })],
  ]),

  ...c('liquid', 'POST', '/retrieve-user-info', [['not allowed', 'plain', 401, null, (f) => ({ targets: [String(f.target.id)] })]]),
  ...c('liquid', 'POST', '/search', [['not allowed', 'plain', 401, null, () => ({ query: 'refusals' })]]),
  ...c('liquid', 'POST', '/subscription', [
    ['not allowed', 'plain', 401, null, (f) => ({ target: String(f.target.id), state: true, expiry: '2100-01-01', tier: 'premium' })],
    ['peer ranked as high', 'admin', 401, null, (f) => ({ target: String(f.peer.id), state: true, expiry: '2100-01-01', tier: 'premium' })],
    ['no such tier', 'admin', 400, null, (f) => ({ target: String(f.target.id), state: true, expiry: '2100-01-01', tier: 'gold' })],
    ['active without an expiry', 'admin', 400, null, (f) => ({ target: String(f.target.id), state: true, tier: 'premium' })],
  ]),

  // Liquid clients.
  ...c('liquidClient', 'POST', '/create', [
    ['missing admin:applications:write', 'mod', 401, null, () => [client('mod_client')]],
    [
      'bad redirect URI in the second item',
      'admin',
      400,
      null,
      () => [client('good_client1'), client('bad_client1', { redirectUris: ['http://evil.example'] })],
    ],
    ['the same id twice', 'admin', 409, null, () => [client('twice_client'), client('twice_client')]],
    ['an id taken already in the second item', 'admin', 409, null, () => [client('good_client2'), client('root_client')]],
    [
      'a scope the caller lacks in the second item',
      'admin',
      401,
      null,
      () => [client('good_client3'), client('internal_client', { role: 'internal_client', scope: ['admin:all'] })],
    ],
    ['a chosen secret', 'admin', 400, null, () => [client('good_client4'), client('secret_client', { secret: 'mine' })]],
  ]),
  ...c('liquidClient', 'PATCH', '/update', [
    ['missing admin:applications:write', 'mod', 401, null, (f) => ({ target: f.adminApp, displayName: 'Renamed' })],
    ['a scope the caller lacks', 'admin', 401, null, (f) => ({ target: f.adminApp, role: 'internal_client', scope: ['admin:all'] })],
    ['a write scope on an external client', 'admin', 400, null, (f) => ({ target: f.adminApp, displayName: 'Renamed', scope: ['admin:profile:write'] })],
  ]),
  ...c('liquidClient', 'DELETE', '/delete', [
    ['missing admin:applications:write', 'plain', 401, null, (f) => ({ target: f.adminApp })],
    ['holds scopes the caller lacks', 'admin', 401, null, (f) => ({ target: f.rootApp })],
  ]),

  // CookieCMS (mounted at /api: /admin/*, /auth/login). Levels: 2 premium, 3 moderator, 4 admin.
  ...c('cookie', 'PATCH', '/admin/user/:identifier', [
    ['not allowed', 'plain', 403, (f) => `/admin/user/${f.target.id}`, () => ({ mail: 'changed@example.org', mail_verify: 1 })],
    [
      "a level at the caller's rank with a profile change and mail_verify",
      'admin',
      403,
      (f) => `/admin/user/${f.target.id}`,
      () => ({ mail: 'changed@example.org', mail_verify: 1, perms: 4 }),
    ],
    ['moderator on an admin', 'mod', 403, (f) => `/admin/user/${f.admin.id}`, () => ({ mail_verify: 1 })],
    ['bad mail with mail_verify', 'admin', 400, (f) => `/admin/user/${f.target.id}`, () => ({ mail: 'nope', mail_verify: 1 })],
    ['a taken username with mail_verify', 'admin', 409, (f) => `/admin/user/${f.target.id}`, (f) => ({ username: f.peer.username, mail_verify: 1 })],
    ['a level without admin:roles:grant with mail_verify', 'mod', 403, (f) => `/admin/user/${f.target.id}`, () => ({ mail_verify: 1, perms: 2 })],
  ]),
  ...c('cookie', 'PUT', '/admin/user/:identifier', [
    ['not allowed', 'plain', 403, (f) => `/admin/user/${f.target.id}`, () => ({ Mail: 'changed@example.org', Mail_verify: 1 })],
    [
      "the panel's whole detail with a level at the caller's rank",
      'admin',
      403,
      (f) => `/admin/user/${f.target.id}/`,
      (f) => ({ Username: `${f.target.username}_x`, Mail: 'changed@example.org', Mail_verify: 1, PermLvl: 4, Capes: [], Skins: [], Discord: null }),
    ],
    ['a bad level', 'admin', 400, (f) => `/admin/user/${f.target.id}`, () => ({ Mail_verify: 1, PermLvl: 7 })],
    ['a taken username with Mail_verify', 'admin', 409, (f) => `/admin/user/${f.target.id}`, (f) => ({ Username: f.peer.username, Mail_verify: 1 })],
    ['a level without admin:roles:grant with Mail_verify', 'mod', 403, (f) => `/admin/user/${f.target.id}`, () => ({ Mail_verify: 1, PermLvl: 2 })],
  ]),
  ...c('cookie', 'POST', '/admin/user/role/:identifier', [
    ['not allowed', 'plain', 403, (f) => `/admin/user/role/${f.target.id}`, () => ({ role_level: 2 })],
    ["a level at the caller's rank", 'admin', 403, (f) => `/admin/user/role/${f.target.id}`, () => ({ role_level: 4 })],
    [
      "a temporary level at the caller's rank",
      'admin',
      403,
      (f) => `/admin/user/role/${f.target.id}`,
      () => ({ role_level: 4, expired_at: Math.floor(Date.now() / 1000) + 3600 }),
    ],
    ['an expiry in the past', 'admin', 400, (f) => `/admin/user/role/${f.target.id}`, () => ({ role_level: 2, expired_at: 1000 })],
    ['peer ranked as high', 'admin', 403, (f) => `/admin/user/role/${f.peer.id}`, () => ({ role_level: 1 })],
  ]),
  ...c('cookie', 'POST', '/admin/mail', [
    ['missing admin:mail:send', 'mod', 403, null, () => ({ subject: 'Hi', message: 'All of you' })],
    ['empty subject', 'admin', 400, null, () => ({ subject: ' ', message: 'All of you' })],
  ]),
  // A wrong password counts a failure (login_failures) by design; a bad body checks nothing.
  ...c('cookie', 'POST', '/auth/login', [
    ['no password', 'anon', 400, null, (f) => ({ username: f.admin.username })],
    ['a password that is no string', 'anon', 400, null, (f) => ({ username: f.admin.username, password: 12345678 })],
  ]),
  // pronouns.cc (`Authorization: <token>`): self-service only; no token is 403 {code: 403}.
  ...c('pronouns', 'PATCH', '/@me', [
    ['no token', 'anon', 403, null, () => ({ bio: 'x' })],
    ['a bio over 1000 characters', 'plain', 400, null, () => ({ bio: 'x'.repeat(1001), display_name: 'ok' })],
    ['a name against the rule (1006)', 'plain', 400, null, () => ({ name: 'no spaces allowed', bio: 'ok' })],
    ['a timezone that is no IANA name', 'plain', 400, null, () => ({ timezone: 'Mars/Olympus', bio: 'ok' })],
    ['an avatar that is no image', 'plain', 400, null, () => ({ avatar: 'data:image/png;base64,AAAA', bio: 'ok' })],
    ['a status that is no preference', 'plain', 400, null, () => ({ names: [{ value: 'n', status: 'nope' }] })],
  ]),
  ...c('pronouns', 'POST', '/@me/flags', [
    ['no token', 'anon', 403, null, () => ({ flag: 'x', name: 'x' })],
    ['a flag that is no image', 'plain', 400, null, () => ({ flag: 'data:image/png;base64,AAAA', name: 'x' })],
    ['no name', 'plain', 400, null, () => ({ flag: 'data:image/png;base64,AAAA' })],
  ]),
  ...c('pronouns', 'PATCH', '/@me/flags/:id', [
    ['no token', 'anon', 403, () => '/@me/flags/1', () => ({ name: 'x' })],
    ['no such flag', 'plain', 404, () => '/@me/flags/999999', () => ({ name: 'x' })],
    ['an empty name', 'plain', 400, () => '/@me/flags/999999', () => ({ name: '' })],
  ]),
  ...c('pronouns', 'DELETE', '/@me/flags/:id', [
    ['no token', 'anon', 403, () => '/@me/flags/1'],
    ['no such flag', 'plain', 404, () => '/@me/flags/999999'],
    ['no flag id', 'plain', 400, () => '/@me/flags/abc'],
  ]),
  ...c('pronouns', 'GET', '/@me/reroll', [['no token', 'anon', 403, null]]),
  // CookieCMS skins and capes.
  ...c('cookie', 'PUT', '/admin/skin/:uuid', [
    ['not allowed', 'plain', 403, (f) => `/admin/skin/${f.skin}`, () => ({ name: 'x' })],
    ['a cape the owner does not have, with a rename', 'admin', 403, (f) => `/admin/skin/${f.skin}`, (f) => ({ name: 'x', cloak_id: f.strayCape })],
    ['a name that is no string', 'admin', 400, (f) => `/admin/skin/${f.skin}`, () => ({ name: 5 })],
  ]),
  ...c('cookie', 'PATCH', '/admin/skin/:uuid', [
    ['no token', 'anon', 401, (f) => `/admin/skin/${f.skin}`, () => ({ cloakid: '0' })],
    ['a cape the owner does not have', 'mod', 403, (f) => `/admin/skin/${f.skin}`, (f) => ({ cloakid: f.strayCape })],
  ]),
  ...c('cookie', 'DELETE', '/admin/skin/:uuid', [
    ['not allowed', 'plain', 403, (f) => `/admin/skin/${f.skin}`],
    ['unknown skin', 'admin', 404, () => `/admin/skin/${NO_UUID}`],
  ]),
  ...c('cookie', 'POST', '/admin/user/cape/upload', [['not multipart', 'admin', 400, null, () => ({ name: 'x' })]]),
  ...c('cookie', 'POST', '/admin/cape', [['not multipart', 'admin', 400, null, () => ({ name: 'x' })]]),
  ...c('cookie', 'DELETE', '/admin/user/cape/upload', [
    ['not allowed', 'plain', 403, null, (f) => ({ capeid: f.cape })],
    ['not a cape id', 'admin', 400, null, () => ({ capeid: 'x' })],
  ]),
  ...c('cookie', 'DELETE', '/admin/cape', [
    ['no token', 'anon', 401, null, (f) => ({ capeid: f.cape })],
    ['unknown cape', 'admin', 404, null, () => ({ capeid: NO_UUID })],
  ]),
  ...c('cookie', 'PUT', '/admin/user/:id/capes', [
    ['not allowed', 'plain', 403, (f) => `/admin/user/${f.target.id}/capes`, (f) => ({ cape: [f.strayCape] })],
    ['an unknown cape after a good one', 'admin', 400, (f) => `/admin/user/${f.target.id}/capes`, (f) => ({ cape: [f.strayCape, NO_UUID] })],
  ]),
  ...c('cookie', 'DELETE', '/admin/user/:id/capes', [
    ['not allowed', 'plain', 403, (f) => `/admin/user/${f.target.id}/capes`, (f) => ({ cape: [f.cape] })],
    ['not cape ids', 'admin', 400, (f) => `/admin/user/${f.target.id}/capes`, () => ({ cape: ['x'] })],
  ]),
  // pronouns.cc (`Authorization: <token>`): self-service only; no token is 403 {code: 403}.
  ...c('pronouns', 'PATCH', '/@me', [
    ['no token', 'anon', 403, null, () => ({ bio: 'x' })],
    ['a bio over 1000 characters', 'plain', 400, null, () => ({ bio: 'x'.repeat(1001), display_name: 'ok' })],
    ['a name against the rule (1006)', 'plain', 400, null, () => ({ name: 'no spaces allowed', bio: 'ok' })],
    ['a timezone that is no IANA name', 'plain', 400, null, () => ({ timezone: 'Mars/Olympus', bio: 'ok' })],
    ['an avatar that is no image', 'plain', 400, null, () => ({ avatar: 'data:image/png;base64,AAAA', bio: 'ok' })],
    ['a status that is no preference', 'plain', 400, null, () => ({ names: [{ value: 'n', status: 'nope' }] })],
  ]),
  ...c('pronouns', 'POST', '/@me/flags', [
    ['no token', 'anon', 403, null, () => ({ flag: 'x', name: 'x' })],
    ['a flag that is no image', 'plain', 400, null, () => ({ flag: 'data:image/png;base64,AAAA', name: 'x' })],
    ['no name', 'plain', 400, null, () => ({ flag: 'data:image/png;base64,AAAA' })],
  ]),
  ...c('pronouns', 'PATCH', '/@me/flags/:id', [
    ['no token', 'anon', 403, () => '/@me/flags/1', () => ({ name: 'x' })],
    ['no such flag', 'plain', 404, () => '/@me/flags/999999', () => ({ name: 'x' })],
    ['an empty name', 'plain', 400, () => '/@me/flags/999999', () => ({ name: '' })],
  ]),
  ...c('pronouns', 'DELETE', '/@me/flags/:id', [
    ['no token', 'anon', 403, () => '/@me/flags/1'],
    ['no such flag', 'plain', 404, () => '/@me/flags/999999'],
    ['no flag id', 'plain', 400, () => '/@me/flags/abc'],
  ]),
  ...c('pronouns', 'GET', '/@me/reroll', [['no token', 'anon', 403, null]]),
];

/** Routes registered with a GET that still change data (they create an invite or a reset token). */
const WRITING_GETS = new Set(['pleroma GET /users/invite_token', 'pleroma GET /users/:nickname/password_reset', 'pronouns GET /@me/reroll']);

/** Every route of the shims that may change data, as registered in their Hono apps. */
function writingRoutes(): string[] {
  const deps: ShimDeps = {
    contextFor: async () => {
      throw new Error('not called');
    },
  };
  const apps: [Mount, Hono][] = [
    ['litecord', litecordRoutes(deps)],
    ['pleroma', pleromaRoutes(deps)],
    ['liquid', liquidRoutes(deps)],
    ['liquidClient', liquidClientRoutes(deps)],
    ['liquidUser', liquidScopeRoutes(deps)],
    ['liquidRoles', liquidRoleRoutes(deps)],
    ['cookie', cookieRoutes(deps)],
    ['pronouns', pronounsRoutes(deps, gw.database)],
  ];
  // A path registered with and without its trailing slash (CookieCMS) is one route.
  const key = (mount: Mount, method: string, path: string) => `${mount} ${method} ${path.length > 1 ? path.replace(/\/$/, '') : path}`;
  return [...new Set(apps.flatMap(([mount, app]) => app.routes.map((r) => key(mount, r.method, r.path))))].filter(
    (key) => !/ (GET|ALL|HEAD|OPTIONS) /.test(key) || WRITING_GETS.has(key),
  );
}

/** A digest of every row of every table: anything written, anywhere, changes it. */
async function snapshot(): Promise<Record<string, string>> {
  const tables = await gw.database.rows<{ name: string }>(sql`select tablename as name from pg_tables where schemaname = 'public' order by 1`);
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    // login_failures counts sign-in attempts, which these requests do not make.
    const [{ digest, n }] = await gw.database.rows<{ digest: string; n: number }>(
      sql.raw(`select md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) as digest, count(*)::int as n from "${name}" t`),
    );
    out[name] = `${n}:${digest}`;
  }
  return out;
}

const calls: Record<Mount, ReturnType<typeof restClient>> = {
  litecord: restClient(gw, MOUNTS.litecord, 'bare'),
  pleroma: restClient(gw, MOUNTS.pleroma),
  liquid: restClient(gw, MOUNTS.liquid),
  liquidClient: restClient(gw, MOUNTS.liquidClient),
  liquidUser: restClient(gw, MOUNTS.liquidUser),
  liquidRoles: restClient(gw, MOUNTS.liquidRoles),
  cookie: restClient(gw, MOUNTS.cookie),
  pronouns: restClient(gw, MOUNTS.pronouns, 'bare'),
};

beforeAll(async () => {
  const root = await gw.user({ roles: ['superadmin'] });
  const admin = await gw.user({ roles: ['admin'] });
  const peer = await gw.user({ roles: ['admin'] });
  const mod = await gw.user({ roles: ['moderator'] });
  const plain = await gw.user();
  const target = await gw.user();
  Object.assign(fx, { admin, peer, target, tokens: { anon: null, plain: plain.token, mod: mod.token, admin: admin.token } });
  // Something for the refused untag, revoke, update and delete requests to leave alone.
  expect(await mutate(gw, 'tagUsers', { ids: [target.gid], tags: ['keep'] }, root.token)).toMatchObject({ __typename: 'TagUsersSuccess' });
  expect(await mutate(gw, 'adjustCredits', { userId: target.gid, operation: 'SET', value: 0 }, root.token)).toMatchObject({
    __typename: 'AdjustCreditsSuccess',
  });
  await makeInvite(gw, { code: 'REFUSALS-INVITE', maxUses: 2, by: root.id });
  const app = (clientId: string, role: 'INTERNAL' | 'EXTERNAL', scopes: string[], by: bigint) =>
    makeApplication(gw, { clientId, displayName: clientId, role, scopes, by });
  fx.rootApp = (await app('root_client', 'INTERNAL', ['admin:roles:write'], root.id)).id.toString();
  fx.adminApp = (await app('admin_client', 'EXTERNAL', ['admin:users:read'], admin.id)).id.toString();
  fx.region = (await makeVoiceRegion(gw, { id: 'refusals-region', by: root.id })).id;
  fx.guild = (await makeGuild(gw, { ownerId: target.id, region: fx.region, features: ['NEWS'], by: root.id })).id.toString();
  fx.host = 'refusals.example.org';
  fx.cape = (await makeCape(gw, [target.id])).id;
  fx.strayCape = (await makeCape(gw, [])).id;
  fx.skin = (await makeSkin(gw, target.id, { capeId: fx.cape })).id;
  expect((await calls.litecord('PUT', `/voice/regions/${fx.region}/server`, admin.token, { hostname: fx.host })).status).toBe(204);
});

describe('a refused shim request writes nothing', () => {
  it('every route that changes data has refusal cases here', () => {
    const covered = new Set(CASES.map((k) => k.route));
    expect(writingRoutes().filter((r) => !covered.has(r))).toEqual([]);
    expect([...covered].filter((r) => !writingRoutes().includes(r))).toEqual([]);
  });

  it('the snapshot sees a write (a control for the cases below)', async () => {
    const before = await snapshot();
    expect((await calls.liquid('POST', '/restrict', fx.tokens.admin, { target: String(fx.target.id), state: false })).status).toBe(200);
    // Nothing to lift: the unchanged state writes nothing either.
    expect(await snapshot()).toEqual(before);
    expect((await calls.liquid('PUT', '/custom-data', fx.tokens.admin, { target: String(fx.target.id), customData: { control: true } })).status).toBe(200);
    const after = await snapshot();
    expect(after.audit_log).not.toBe(before.audit_log);
    expect(after.users).not.toBe(before.users);
  });

  for (const k of CASES) {
    it(`${k.route}: ${k.why} (${k.who}) → ${k.status}`, async () => {
      const [mount, method] = k.route.split(' ') as [Mount, string];
      const before = await snapshot();
      const res = await calls[mount](method, k.path(fx), fx.tokens[k.who], k.json?.(fx));
      expect(res.status, JSON.stringify(res.body)).toBe(k.status);
      expect(await snapshot()).toEqual(before);
    });
  }
});
