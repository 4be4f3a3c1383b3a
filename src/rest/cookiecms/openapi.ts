import { z } from 'zod';
import type { ShimDoc } from '../openapi.js';
import { capeDeleteBody, userCapesBody } from './capes.routes.js';
import type { presentAudit, presentListUser, presentUser } from './present.js';
import { auditQuery, mailBody, metricsQuery } from './routes.js';
import { type presentSkin, skinBody } from './skins.routes.js';
import { pageQuery, patchBody, putBody, roleBody } from './users.routes.js';

/** CookieCMS wraps every answer: `{"error": bool, "msg": string, "url": string|null, "data": ...}`. */
const envelope = <S extends z.ZodType>(data: S) => z.strictObject({ error: z.literal(false), msg: z.string(), url: z.string().nullable(), data });

/** A refusal in the envelope; bad fields listed in `data.fields` (paths as the gateway names them). */
const failure = z.strictObject({
  error: z.literal(true),
  msg: z.string(),
  url: z.null(),
  data: z.strictObject({ fields: z.array(z.strictObject({ path: z.array(z.string()), message: z.string() })) }).nullable(),
});

const level = z.number().int().min(0).max(5).describe('0–1 plain, 2 premium, 3 moderator, 4 admin, 5 superadmin');
const flag = z.union([z.literal(0), z.literal(1)]);
/** A user's level as answered (the base level shows as 1). */
const held = z.literal([1, 2, 3, 4, 5]).describe('1 plain, 2 premium, 3 moderator, 4 admin, 5 superadmin');

const listUser = z.strictObject({
  id: z.number().int(),
  username: z.string(),
  dsid: z.null(),
  mail: z.string(),
  mail_verify: flag,
  uuid: z.null(),
  perms: held,
  hwidId: z.null(),
}) satisfies z.ZodType<ReturnType<typeof presentListUser>>;

const user = z.strictObject({
  Username: z.string(),
  Uuid: z.null(),
  Mail: z.string(),
  Mail_verify: flag,
  Mail_verification: flag,
  PermLvl: held,
  Selected_Cape: z.union([z.string(), z.literal(0)]).describe("the selected skin's cape id; 0 when none"),
  Selected_Skin: z.union([z.string(), z.literal(0)]).describe('the selected skin id; 0 when none'),
  Capes: z.array(z.strictObject({ Id: z.string(), Name: z.string() })),
  Skins: z.array(z.strictObject({ uuid: z.string(), name: z.string(), cloak_id: z.string().describe("'0' for none"), slim: flag, hd: flag })),
  Discord_integration: z.boolean(),
  Discord: z.strictObject({ userid: z.string(), username: z.string(), avatar: z.string() }).describe('empty strings without a link'),
}) satisfies z.ZodType<ReturnType<typeof presentUser>>;

const auditRow = z.strictObject({
  id: z.number().int(),
  iss: z.string().describe('the actor id, or "system"'),
  action: z.string(),
  target_id: z.union([z.number().int(), z.string()]),
  for: z.union([z.number().int(), z.string()]),
  field_changed: z.string().nullable(),
  old_value: z.string().nullable(),
  new_value: z.string().nullable(),
  time: z.number().int().describe('Unix seconds'),
}) satisfies z.ZodType<ReturnType<typeof presentAudit>>;

const skin = z.strictObject({
  uuid: z.string(),
  name: z.string(),
  ownerid: z.number().int().nullable(),
  slim: flag,
  hd: flag,
  disabled: flag,
  cloak_id: z.string().describe("'0' for none"),
}) satisfies z.ZodType<ReturnType<typeof presentSkin>>;

/** The multipart cape upload (read by capes.routes.ts readCapeForm). */
const capeForm = z.object({
  cape: z
    .file()
    .mime('image/png')
    .max(2 * 1024 * 1024)
    .describe('a PNG, 64×32 or a multiple'),
  name: z.string().min(1),
  owners: z.string().optional().describe('a JSON array of user ids'),
});
const bare = <S extends z.ZodRawShape>(shape: S) => z.strictObject({ error: z.literal(false), msg: z.string(), ...shape });
const uuidParam = z.object({ uuid: z.string().describe('a skin id (UUID)') });

const identifier = z.object({ identifier: z.string().describe('a user id (digits) or a username') });

/** CookieCMS's /api/admin (users, role levels, skins, capes, mail to all, audit, metrics). Every path also answers with a trailing slash. */
export function cookieOpenApi(): ShimDoc {
  return {
    title: 'CookieCMS admin API (admin gateway shim)',
    description:
      "CookieCMS's /api/admin routes, as its panels call them, answered from the admin gateway; every path also answers with a trailing slash. Sign in with POST /api/auth/login `{username, password}` (the token is `data.jwt`) and send `Authorization: Bearer <token>`.",
    mount: '/api/admin',
    auth: 'bearer',
    errors: { 400: failure, 401: failure, 403: failure, 404: failure, 409: failure, 429: failure, 503: failure },
    routes: [
      {
        method: 'get',
        path: '/users',
        summary: 'Users: every one (streamed) without paging parameters, else a page',
        query: pageQuery.partial(),
        answers: { 200: envelope(z.array(listUser)) },
        errors: [400, 401, 403],
      },
      { method: 'get', path: '/user/:identifier', summary: 'One user', params: identifier, answers: { 200: envelope(user) }, errors: [401, 403, 404] },
      {
        method: 'put',
        path: '/user/:identifier',
        summary: "Change a user: the panel's detail object back (the stored fields applied, the rest ignored)",
        params: identifier,
        body: putBody,
        answers: { 200: envelope(user) },
        errors: [400, 401, 403, 404, 409],
      },
      {
        method: 'patch',
        path: '/user/:identifier',
        summary: 'Change a user (the documented lowercase body)',
        params: identifier,
        body: patchBody,
        answers: { 200: envelope(user) },
        errors: [400, 401, 403, 404, 409],
      },
      {
        method: 'post',
        path: '/user/role/:identifier',
        summary: "Set a user's level, for good or until `expired_at` (Unix seconds or ISO 8601)",
        params: identifier,
        body: roleBody,
        answers: { 200: envelope(z.strictObject({ id: z.number().int(), new_role_level: level, expired_at: z.number().int().nullable() })) },
        errors: [400, 401, 403, 404],
      },
      {
        method: 'post',
        path: '/mail',
        summary: 'Mail every user (through the outbox): the job and its recipients',
        body: mailBody,
        answers: { 200: envelope(z.strictObject({ job: z.string(), recipients: z.number().int() })) },
        errors: [400, 401, 403],
      },
      { method: 'get', path: '/skins', summary: 'Every skin of the library', answers: { 200: envelope(z.array(skin)) }, errors: [401, 403] },
      {
        method: ['put', 'patch'],
        path: '/skin/:uuid',
        summary: "Change a skin (PATCH: the documented `cloakid`; PUT: the panels' whole skin back, `cloak_id`)",
        params: uuidParam,
        body: skinBody,
        answers: { 200: envelope(skin) },
        errors: [400, 401, 403, 404],
      },
      {
        method: 'delete',
        path: '/skin/:uuid',
        summary: 'Delete a skin (its texture freed when no other skin uses it)',
        params: uuidParam,
        answers: { 200: envelope(z.strictObject({ uuid: z.string() })) },
        errors: [401, 403, 404],
      },
      ...(['/user/cape/upload', '/cape'] as const).flatMap((path) => [
        {
          method: 'post' as const,
          path,
          summary: 'Upload a cape (multipart: `cape` PNG ≤ 2 MB, `name`, `owners`): its id',
          body: capeForm,
          bodyMedia: 'multipart/form-data',
          answers: { 200: bare({ id: z.string() }) },
          errors: [400, 401, 403, 404],
        },
        { method: 'delete' as const, path, summary: 'Delete a cape', body: capeDeleteBody, answers: { 200: bare({}) }, errors: [400, 401, 403, 404] },
      ]),
      {
        method: ['put', 'delete'],
        path: '/user/:id/capes',
        summary: "Give (PUT) or take (DELETE) capes: the user's detail after",
        body: userCapesBody,
        answers: { 200: envelope(z.strictObject({ user })) },
        errors: [400, 401, 403, 404],
      },
      {
        method: 'get',
        path: '/allcapes',
        summary: 'Every cape',
        answers: { 200: envelope(z.array(z.strictObject({ uuid: z.string(), name: z.string(), id: z.string() }))) },
        errors: [401, 403],
      },
      {
        method: 'get',
        path: '/audit',
        summary: 'The newest audit rows',
        query: auditQuery,
        answers: { 200: envelope(z.array(auditRow)) },
        errors: [400, 401, 403],
      },
      {
        method: 'get',
        path: '/metrics',
        summary: 'Registrations per UTC day, oldest first',
        query: metricsQuery,
        answers: { 200: envelope(z.strictObject({ statistics: z.array(z.strictObject({ date: z.iso.date(), registrations: z.number().int() })) })) },
        errors: [400, 401, 403],
      },
    ],
  };
}
