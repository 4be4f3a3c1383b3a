import { z } from 'zod';
import type { ShimDoc } from '../openapi.js';
import { usersParam } from './create.js';
import { pairSchema } from './follows.routes.js';
import { emailInviteParams, inviteOptions, inviteTokenQuery, revokeParams } from './invites.js';
import type { groupsOf, presentInvite, presentUser } from './present.js';
import { relayBody } from './relays.routes.js';
import { activationParams, byNickname, listParams, singleCreate, statusesParams, tagParams } from './routes.js';

/** Pleroma's refusals: `{"error": "<why>"}` (403 for a failed admin check, as Pleroma answers). */
const refusal = z.strictObject({ error: z.string() });

const user = z.strictObject({
  id: z.string(),
  avatar: z.null(),
  nickname: z.string(),
  display_name: z.string(),
  deactivated: z.boolean(),
  roles: z.strictObject({ admin: z.boolean(), moderator: z.boolean() }),
  local: z.boolean(),
  tags: z.array(z.string()),
}) satisfies z.ZodType<ReturnType<typeof presentUser>>;

const invite = z.strictObject({
  id: z.number().int(),
  token: z.string(),
  used: z.boolean(),
  expires_at: z.iso.date().nullable().describe('the last day the invite is valid'),
  uses: z.number().int(),
  max_use: z.number().int().nullable(),
  invite_type: z.enum(['one_time', 'reusable', 'date_limited', 'reusable_date_limited']),
}) satisfies z.ZodType<ReturnType<typeof presentInvite>>;

const groups = z.strictObject({ is_admin: z.boolean(), is_moderator: z.boolean() }) satisfies z.ZodType<ReturnType<typeof groupsOf>>;
const changedGroup = z.union([z.strictObject({ is_admin: z.boolean() }), z.strictObject({ is_moderator: z.boolean() })]);
const bulkItem = <T extends string, C extends number>(type: T, code: C) => ({
  type: z.literal(type),
  code: z.literal(code),
  data: z.strictObject({ nickname: z.string(), email: z.string().nullable() }),
});
const created = z.array(z.strictObject(bulkItem('success', 200)));
const refused = z.array(z.strictObject({ ...bulkItem('error', 409), error: z.string().describe('the first problem of this user, "" when it had none') }));
const nickname = z.string().describe('`name`, or `name@domain` for a remote account');
/** Parameters come from the query, the body or the path (Phoenix merges them); these are the path's. */
const inPath = byNickname;

/** Pleroma's /api/pleroma/admin (users, tags, activation, permission groups, invites, resets, follows, relays). */
export function pleromaOpenApi(): ShimDoc {
  const reading = [403, 404];
  const writing = [400, 403, 404];
  return {
    title: 'Pleroma admin API (admin gateway shim)',
    description:
      "Pleroma's /api/pleroma/admin routes, as admin-fe calls them, answered from the admin gateway. Parameters may be sent in the query string, a JSON or form body, or the path (Phoenix merges them). Sign in with the Mastodon-style OAuth routes of the gateway; a caller without the admin scopes is 403 `User is not admin.`.",
    mount: '/api/pleroma/admin',
    auth: 'bearer',
    errors: { 400: refusal, 403: refusal, 404: z.literal('Not found'), 429: refusal, 503: refusal },
    routes: [
      {
        method: 'get',
        path: '/users',
        summary: 'Users, a page (search, filters, tags, name, email)',
        query: listParams,
        answers: { 200: z.strictObject({ users: z.array(user), count: z.number().int(), page_size: z.number().int() }) },
        errors: [400, 403],
      },
      {
        method: 'post',
        path: '/users',
        summary: 'Create users: `{users: [...]}` all or nothing (a per-user list), or one `{nickname, email, password}` (its nickname)',
        body: z.union([z.object({ users: usersParam }), singleCreate]),
        answers: { 200: z.union([created, nickname]), 409: refused },
        errors: [400, 403],
      },
      { method: 'delete', path: '/users', summary: 'Delete (deactivate) a user: its nickname', query: byNickname, answers: { 200: nickname }, errors: writing },
      { method: ['put', 'delete'], path: '/users/tag', summary: 'Tag (PUT) or untag (DELETE) users', body: tagParams, answers: { 204: null }, errors: writing },
      {
        method: 'get',
        path: '/users/invite_token',
        summary: 'Create a registration invite (the 2019-05 form): its token',
        query: inviteTokenQuery,
        answers: { 200: z.string() },
        errors: [400, 403],
      },
      {
        method: 'post',
        path: '/users/invite_token',
        summary: 'Create a registration invite',
        body: inviteOptions,
        answers: { 200: invite },
        errors: [400, 403],
      },
      {
        method: 'get',
        path: '/users/invites',
        summary: 'Every invite, oldest first',
        answers: { 200: z.strictObject({ invites: z.array(invite) }) },
        errors: [403],
      },
      {
        method: 'post',
        path: '/users/email_invite',
        summary: 'Mail an invite (admin-fe sends the query string)',
        query: emailInviteParams,
        answers: { 204: null },
        errors: [400, 403],
      },
      { method: 'post', path: '/users/revoke_invite', summary: 'Revoke an invite', body: revokeParams, answers: { 200: invite }, errors: writing },
      {
        method: 'get',
        path: '/users/:nickname/password_reset',
        summary: 'A password reset token and the link to its page',
        params: inPath,
        answers: { 200: z.strictObject({ token: z.string(), link: z.string() }) },
        errors: writing,
      },
      { method: 'get', path: '/users/:nickname', summary: 'A user, by id or nickname', params: inPath, answers: { 200: user }, errors: reading },
      {
        method: 'get',
        path: '/users/:nickname/statuses',
        summary: "A user's statuses (the gateway keeps none: always empty)",
        params: inPath,
        query: statusesParams.omit({ nickname: true }),
        answers: { 200: z.array(z.never()) },
        errors: reading,
      },
      {
        method: 'patch',
        path: '/users/:nickname/toggle_activation',
        summary: 'Activate or deactivate: the user after',
        params: inPath,
        answers: { 200: user },
        errors: writing,
      },
      {
        method: 'put',
        path: '/users/:nickname/activation_status',
        summary: 'Set whether a user is active',
        params: inPath,
        body: activationParams.omit({ nickname: true }),
        answers: { 204: null },
        errors: writing,
      },
      {
        method: 'get',
        path: '/users/:nickname/permission_group',
        summary: "A user's permission groups",
        params: inPath,
        answers: { 200: groups },
        errors: reading,
      },
      {
        method: 'get',
        path: '/users/:nickname/permission_group/:permission_group',
        summary: "A user's permission groups (the group named: admin or moderator)",
        answers: { 200: groups },
        errors: reading,
      },
      {
        method: ['post', 'delete'],
        path: '/users/:nickname/permission_group/:permission_group',
        summary: 'Add (POST) or remove (DELETE) a user to or from admin or moderator: the changed flag',
        answers: { 200: changedGroup },
        errors: writing,
      },
      {
        method: ['post'],
        path: '/users/follow',
        summary: 'Make one account follow another (stored, never federated): "ok", unknown nicknames too',
        body: pairSchema,
        answers: { 200: z.literal('ok') },
        errors: [400, 403],
      },
      { method: 'post', path: '/users/unfollow', summary: 'End a follow: "ok"', body: pairSchema, answers: { 200: z.literal('ok') }, errors: [400, 403] },
      {
        method: 'get',
        path: '/relay',
        summary: 'The hosts of the followed relays',
        answers: { 200: z.strictObject({ relays: z.array(z.string()) }) },
        errors: [403],
      },
      {
        method: 'post',
        path: '/relay',
        summary: 'Follow a relay: its URL (502 with it when the relay cannot be reached or is no actor)',
        body: relayBody,
        answers: { 200: z.string(), 502: z.string() },
        errors: [400, 403],
      },
      {
        method: 'delete',
        path: '/relay',
        summary: 'Unfollow a relay: its URL (404 with it when not followed)',
        body: relayBody,
        answers: { 200: z.string(), 404: z.string() },
        errors: [400, 403],
      },
    ],
  };
}
