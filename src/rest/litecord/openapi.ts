import { z } from 'zod';
import type { ShimDoc } from '../openapi.js';
import { featuresBody, patchBody as guildPatchBody } from './guilds.routes.js';
import type { presentInvite, presentUser } from './present.js';
import { createBody, inviteBody, patchBody, searchQuery } from './routes.js';
import { regionBody, serverBody } from './voice.routes.js';

/** Litecord's error body, `{"error": true, "status": N, "message": …}`, with Discord's `code` for some. */
const envelope = (status: number) =>
  z.strictObject({
    error: z.literal(true),
    status: z.literal(status),
    message: z.string(),
    code: z.number().int().optional(),
    errors: z.record(z.string(), z.string()).optional(),
  });

/** The guild and voice routes' refusals (cerberus): each failing field a key of its own with a list of problems. */
const payloadError = (status: number) =>
  z.object({ error: z.literal(true), status: z.literal(status), message: z.string(), code: z.number().int().optional() }).catchall(z.array(z.unknown()));

const snowflake = z.string().regex(/^\d+$/);

const user = z.strictObject({
  id: snowflake,
  username: z.string(),
  discriminator: z.string(),
  avatar: z.string().nullable(),
  bot: z.boolean(),
  mfa_enabled: z.boolean(),
  flags: z.number().int(),
  public_flags: z.number().int(),
  verified: z.boolean(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  premium: z.boolean(),
}) satisfies z.ZodType<ReturnType<typeof presentUser>>;

const invite = z.strictObject({
  code: z.string(),
  created_at: z.string(),
  max_uses: z.number().int().describe('-1: unlimited'),
  uses: z.number().int(),
}) satisfies z.ZodType<ReturnType<typeof presentInvite>>;

const guild = z.strictObject({
  id: snowflake,
  name: z.string(),
  icon: z.string().nullable(),
  owner_id: snowflake.nullable(),
  region: z.string().nullable(),
  features: z.array(z.string()),
  unavailable: z.boolean(),
  vanity_url_code: z.string().nullable(),
  max_presences: z.number().int(),
  max_members: z.number().int(),
  preferred_locale: z.string(),
  guild_scheduled_events: z.array(z.never()),
});
const features = z.strictObject({ features: z.array(z.string()) });
const region = z.strictObject({ id: z.string(), name: z.string(), vip: z.boolean(), deprecated: z.boolean(), custom: z.boolean() });
const server = z.strictObject({ hostname: z.string(), last_health: z.number() });

const guildErrors = { 400: payloadError(400), 404: payloadError(404) };

/** Litecord's /api/v6/admin (users, instance invites, guilds, voice regions). */
export function litecordOpenApi(): ShimDoc {
  return {
    title: 'Litecord admin API (admin gateway shim)',
    description:
      "Litecord's /api/v6/admin routes, answered from the admin gateway. A caller is staff when its token holds the scope a route needs; refusals are 401 `you are not staff`, as Litecord answers.",
    mount: '/api/v6/admin',
    auth: 'bare',
    errors: { 400: envelope(400), 401: envelope(401), 403: envelope(403), 404: envelope(404), 429: envelope(429), 503: envelope(503) },
    routes: [
      { method: ['put', 'post'], path: '/users', summary: 'Create a user', body: createBody, answers: { 200: user }, errors: [400, 401] },
      {
        method: 'get',
        path: '/users',
        summary: 'Search users (by username, discriminator), a page',
        query: searchQuery,
        answers: { 200: z.array(user) },
        errors: [400, 401],
      },
      {
        method: 'delete',
        path: '/users/:id',
        summary: 'Delete a user (soft): the user before and after',
        answers: { 200: z.strictObject({ old: user, new: user }) },
        errors: [401, 404],
      },
      {
        method: 'patch',
        path: '/users/:id',
        summary: "Set a user's flags (the staff bit follows the user's scopes and cannot be set)",
        body: patchBody,
        answers: { 200: user },
        errors: [400, 401, 403, 404],
      },
      { method: 'get', path: '/instance/invites', summary: 'Instance invites that are not revoked', answers: { 200: z.array(invite) }, errors: [401] },
      {
        method: 'put',
        path: '/instance/invites',
        summary: 'Create an instance invite (max_uses -1: unlimited)',
        body: inviteBody,
        answers: { 200: invite },
        errors: [400, 401],
      },
      { method: 'delete', path: '/instance/invites/:code', summary: 'Revoke an instance invite', answers: { 204: null }, errors: [401, 404] },
      { method: 'get', path: '/guilds/:id', summary: 'A guild', answers: { 200: guild, ...guildErrors }, errors: [401] },
      {
        method: 'patch',
        path: '/guilds/:id',
        summary: "Set a guild's availability",
        body: guildPatchBody,
        answers: { 200: guild, ...guildErrors },
        errors: [401],
      },
      { method: 'delete', path: '/guilds/:id', summary: 'Delete a guild', answers: { 204: null, ...guildErrors }, errors: [401] },
      {
        method: ['patch', 'put', 'delete'],
        path: '/guilds/:id/features',
        summary: "A guild's features: PATCH replaces them, PUT adds, DELETE removes",
        body: featuresBody,
        answers: { 200: features, ...guildErrors },
        errors: [401],
      },
      { method: 'get', path: '/voice/regions', summary: 'Every voice region', answers: { 200: z.array(region) }, errors: [401] },
      {
        method: 'put',
        path: '/voice/regions',
        summary: 'Create a voice region: every region after it',
        body: regionBody,
        answers: { 200: z.array(region), 400: payloadError(400) },
        errors: [401],
      },
      {
        method: 'get',
        path: '/voice/regions/:region',
        summary: "A region's voice servers (an unknown region has none)",
        answers: { 200: z.array(server) },
        errors: [401],
      },
      {
        method: 'put',
        path: '/voice/regions/:region/server',
        summary: 'Add a voice server to a region',
        body: serverBody,
        answers: { 204: null, ...guildErrors },
        errors: [401],
      },
      { method: 'put', path: '/voice/regions/:region/deprecate', summary: 'Deprecate a region (its guilds lose it)', answers: { 204: null }, errors: [401] },
    ],
  };
}
