import { z } from 'zod';
import type { ShimDoc } from '../openapi.js';
import { historyQuery, subscriptionBody } from './account.routes.js';
import { createBody as clientCreateBody, deleteBody as clientDeleteBody, listQuery as clientListQuery, updateBody as clientUpdateBody } from './clients.js';
import type { presentApp, presentInviteCode, presentUser } from './present.js';
import { type presentRole, createBody as roleCreateBody, deleteBody as roleDeleteBody, updateBody as roleUpdateBody } from './roles.routes.js';
import { createBody, creditsBody, customDataBody, infoBody, infoQuery, inviteCodesQuery, listQuery, searchBody, stateBody } from './routes.js';
import { accessBody } from './scopes.routes.js';
import { updateBody } from './update.routes.js';

/** express-validator 7's field error, with its v6 `param`. */
const fieldError = z.strictObject({
  type: z.literal('field'),
  value: z.unknown().optional().describe('the value sent at path (absent when none)'),
  msg: z.string(),
  path: z.string(),
  location: z.enum(['body', 'query']),
  param: z.string(),
});

/** Liquid's ErrorResponse: `{"ok": 0, "error": "<PascalCode>", "additionalInfo": {...}}`. */
const failure = z.strictObject({
  ok: z.literal(0),
  error: z.string().describe('Unauthorized, InsufficientPrivileges, NotFound, ClientInputError, ResourceConflict, RateLimitError, ServiceUnavailable'),
  additionalInfo: z.strictObject({
    message: z.string().optional(),
    errors: z.array(fieldError).optional(),
    existingUsers: z.array(z.record(z.string(), z.unknown())).optional().describe('POST /create: the taken usernames or emails'),
  }),
});
const ERRORS = { 400: failure, 401: failure, 404: failure, 409: failure, 429: failure, 503: failure };

/** Liquid's success body: `{"ok": 1}`, with `data` when there is some. */
const done = z.strictObject({ ok: z.literal(1) });
const ok = <S extends z.ZodType>(data: S) => z.strictObject({ ok: z.literal(1), data });

const time = z.string().describe('ISO 8601');
const user = z.strictObject({
  _id: z.string(),
  username: z.string(),
  name: z.string().nullable(),
  firstName: z.string().nullable(),
  middleName: z.string().nullable(),
  lastName: z.string().nullable(),
  role: z.string(),
  bio: z.string().nullable(),
  pronouns: z.string().nullable(),
  designation: z.string().nullable(),
  gender: z.string().nullable(),
  preferredLanguage: z.string().nullable(),
  customLink: z.string().nullable(),
  organization: z.string().nullable(),
  country: z.string().nullable(),
  profilePictureUrl: z.null(),
  verified: z.boolean(),
  verifiedDate: time.nullable(),
  isBanned: z.boolean(),
  isRestricted: z.boolean(),
  isSubscribed: z.boolean(),
  subscriptionTier: z.string().nullable(),
  subscriptionExpiry: time.nullable(),
  email: z.string().nullable(),
  emailVerified: z.boolean(),
  phone: z.string().nullable(),
  credits: z.number().int(),
  followerCount: z.number().int(),
  followingCount: z.number().int(),
  customData: z.record(z.string(), z.unknown()),
  createdAt: time,
  updatedAt: time,
  scope: z.array(z.string()),
}) satisfies z.ZodType<ReturnType<typeof presentUser>>;

const inviteCode = z.strictObject({ code: z.string(), createdAt: time, targetId: z.string().optional() }) satisfies z.ZodType<
  ReturnType<typeof presentInviteCode>
>;

const record = z.strictObject({
  _id: z.string(),
  targetId: z.string(),
  success: z.literal(true),
  source: z.literal('password'),
  userAgent: z.string().nullable(),
  ipAddress: z.string().nullable(),
  createdAt: time,
  updatedAt: time,
  active: z.boolean(),
  endedAt: time.nullable(),
});

const client = z.strictObject({
  _id: z.string(),
  id: z.string(),
  grants: z.array(z.string()),
  redirectUris: z.array(z.string()),
  role: z.enum(['internal_client', 'external_client']),
  scope: z.array(z.string()),
  displayName: z.string(),
}) satisfies z.ZodType<ReturnType<typeof presentApp>>;
const createdClient = client.extend({ secret: z.string().describe('answered once; stored only as a hash') });

const role = z.strictObject({
  _id: z.string(),
  id: z.string(),
  displayName: z.string(),
  description: z.string(),
  ranking: z.number().int(),
  scope: z.array(z.string()),
  type: z.literal('user'),
  system: z.literal(true).optional(),
}) satisfies z.ZodType<ReturnType<typeof presentRole>>;

const SIGN_IN =
  'Sign in with the gateway OAuth routes (authorization code + PKCE, as Nitrogen does, or client_credentials) and send `Authorization: Bearer <token>`. A caller without the scope a route needs is 401 `InsufficientPrivileges`, as Liquid answers.';

/** Liquid's /user/admin-api (users; POST /access is registered on /user by scopes.routes.ts). */
export function liquidUsersOpenApi(): ShimDoc {
  const users = ok(z.strictObject({ users: z.array(user) }));
  const toggle = (path: string, what: string) => ({
    method: 'post' as const,
    path,
    summary: what,
    body: stateBody,
    answers: { 200: done },
    errors: [400, 401, 404],
  });
  return {
    title: 'Liquid user admin API (admin gateway shim)',
    description: `Liquid's /user/admin-api routes, as Nitrogen calls them, answered from the admin gateway. ${SIGN_IN}`,
    mount: '/user/admin-api',
    auth: 'bearer',
    errors: ERRORS,
    routes: [
      {
        method: 'post',
        path: '/access',
        summary: 'Set, add or remove Liquid scopes of users, clients or roles',
        body: accessBody,
        answers: { 200: done },
        errors: [400, 401, 404],
      },
      {
        method: 'post',
        path: '/create',
        summary: 'Create users, all or nothing',
        body: createBody,
        answers: { 201: ok(z.strictObject({ insertedCount: z.number().int() })) },
        errors: [400, 401],
      },
      {
        method: 'get',
        path: '/list',
        summary: 'Users, a page (`offset`: the last _id of the previous page)',
        query: listQuery,
        answers: { 200: ok(z.strictObject({ users: z.array(user), totalUsers: z.number().int() })) },
        errors: [400, 401],
      },
      { method: 'get', path: '/user-info', summary: 'Users by id (comma-separated `targets`)', query: infoQuery, answers: { 200: users }, errors: [400, 401] },
      { method: 'post', path: '/retrieve-user-info', summary: 'Users by id', body: infoBody, answers: { 200: users }, errors: [400, 401] },
      {
        method: 'post',
        path: '/search',
        summary: 'Quick search: username, email or name containing the text, or the id (10 at most)',
        body: searchBody,
        answers: { 200: ok(z.strictObject({ results: z.array(user) })) },
        errors: [400, 401],
      },
      {
        method: 'patch',
        path: '/update',
        summary: 'Change a user: `target` and the changed fields (`"__unset__"` clears one); only the editable fields',
        body: updateBody,
        answers: { 200: done },
        errors: [400, 401, 404, 409],
      },
      { method: 'put', path: '/custom-data', summary: "Replace a user's custom data", body: customDataBody, answers: { 200: done }, errors: [400, 401, 404] },
      toggle('/ban', 'Ban (suspend) or unban a user'),
      toggle('/restrict', 'Restrict a user or lift it'),
      toggle('/verify', 'Verify a user or take it back'),
      {
        method: 'post',
        path: '/credits',
        summary: "Increment, decrement or set a user's credits",
        body: creditsBody,
        answers: { 200: done },
        errors: [400, 401, 404],
      },
      {
        method: 'get',
        path: '/invite-codes',
        summary: "A user's invite codes",
        query: inviteCodesQuery,
        answers: { 200: ok(z.strictObject({ inviteCodes: z.array(inviteCode) })) },
        errors: [400, 401],
      },
      {
        method: 'get',
        path: '/editable-fields',
        summary: 'The fields PATCH /update takes',
        answers: { 200: ok(z.strictObject({ editableFields: z.array(z.string()) })) },
        errors: [401],
      },
      {
        method: 'get',
        path: '/subscription-tiers',
        summary: 'The subscription tiers',
        answers: { 200: ok(z.strictObject({ subscriptionTiers: z.array(z.strictObject({ name: z.string(), isBaseTier: z.boolean() })) })) },
        errors: [401],
      },
      { method: 'post', path: '/subscription', summary: "Set a user's subscription", body: subscriptionBody, answers: { 200: done }, errors: [400, 401, 404] },
      {
        method: 'get',
        path: '/login-history',
        summary: "A user's sign-ins (its sessions, newest first)",
        query: historyQuery,
        answers: { 200: ok(z.strictObject({ records: z.array(record) })) },
        errors: [400, 401],
      },
    ],
  };
}

/** Liquid's /client/admin-api (OAuth clients). */
export function liquidClientsOpenApi(): ShimDoc {
  return {
    title: 'Liquid client admin API (admin gateway shim)',
    description: `Liquid's /client/admin-api routes (OAuth clients), answered from the admin gateway; a client is never answered with its secret, except once when created. ${SIGN_IN}`,
    mount: '/client/admin-api',
    auth: 'bearer',
    errors: ERRORS,
    routes: [
      {
        method: 'post',
        path: '/create',
        summary: 'Create clients (an array, all or nothing; or one object): each with its secret, once',
        body: clientCreateBody,
        answers: { 200: ok(z.union([z.array(createdClient), z.strictObject({ client: createdClient })])) },
        errors: [400, 401, 409],
      },
      { method: 'patch', path: '/update', summary: 'Change a client', body: clientUpdateBody, answers: { 200: done }, errors: [400, 401, 404, 409] },
      { method: 'delete', path: '/delete', summary: 'Delete a client', body: clientDeleteBody, answers: { 200: done }, errors: [400, 401, 404] },
      {
        method: 'get',
        path: '/list',
        summary: 'Clients, a page',
        query: clientListQuery,
        answers: { 200: ok(z.strictObject({ clients: z.array(client) })) },
        errors: [400, 401],
      },
    ],
  };
}

/** Liquid's /roles/admin-api (roles; GET /roles/list is for any signed-in caller and not under it). */
export function liquidRolesOpenApi(): ShimDoc {
  return {
    title: 'Liquid role admin API (admin gateway shim)',
    description: `Liquid's /roles/admin-api routes, answered from the admin gateway. Ranking 1 is the highest (superadmin's); a role's scopes change only through POST /user/admin-api/access. ${SIGN_IN}`,
    mount: '/roles/admin-api',
    auth: 'bearer',
    errors: ERRORS,
    routes: [
      {
        method: 'post',
        path: '/create',
        summary: 'Create a role',
        body: roleCreateBody,
        answers: { 200: ok(z.strictObject({ role })) },
        errors: [400, 401, 409],
      },
      {
        method: 'patch',
        path: '/update',
        summary: 'Change a role',
        body: roleUpdateBody,
        answers: { 200: ok(z.strictObject({ role })) },
        errors: [400, 401, 404],
      },
      { method: 'delete', path: '/delete', summary: 'Delete a role', body: roleDeleteBody, answers: { 200: ok(z.strictObject({})) }, errors: [400, 401, 404] },
    ],
  };
}
