import { z } from 'zod';
import { updateProfileSchema } from '../../modules/profiles/validation.js';
import type { ShimDoc } from '../openapi.js';
import type { presentFlag, presentProfile } from './present.js';
import { flagBody, flagPatch } from './routes.js';

/** pronouns.cc's error object: `{code, message, details?}` (the code the HTTP status or its own: 2001, 1006, 1007, 2003, 2004, 4001). */
const failure = z.strictObject({ code: z.number().int(), message: z.string(), details: z.string().optional() });
const limited = z.strictObject({ code: z.literal(429), message: z.string(), ratelimit_reset: z.number().int().describe('Unix seconds') });

const entry = z.strictObject({ value: z.string(), status: z.string() });
const flag = z.strictObject({ id: z.string(), hash: z.string(), name: z.string(), description: z.string().nullable() }) satisfies z.ZodType<
  ReturnType<typeof presentFlag>
>;
const publicUser = z.strictObject({
  id: z.string(),
  sid: z.string(),
  name: z.string(),
  display_name: z.string().nullable(),
  bio: z.string().nullable(),
  member_title: z.string().nullable(),
  avatar: z.string().nullable().describe('the avatar hash: <mount>/<id>/<hash>.webp'),
  links: z.array(z.string()),
  names: z.array(entry),
  pronouns: z.array(z.strictObject({ pronouns: z.string(), display_text: z.string().nullable(), status: z.string() })),
  fields: z.array(z.strictObject({ name: z.string(), entries: z.array(entry) })),
  flags: z.array(flag),
  members: z.array(z.never()).describe('members are not served'),
  badges: z.number().int(),
  utc_offset: z.number().int().nullable(),
  custom_preferences: z.record(
    z.string(),
    z.strictObject({ icon: z.string(), tooltip: z.string(), size: z.string(), muted: z.boolean(), favourite: z.boolean() }),
  ),
});
const linked = ['discord', 'tumblr', 'google', 'fediverse'] as const;
/** The user object with the additional fields, for its own user (linked accounts are not served: null). */
const ownUser = publicUser.extend({
  created_at: z.string(),
  timezone: z.string().nullable(),
  is_admin: z.boolean(),
  list_private: z.boolean(),
  last_sid_reroll: z.string(),
  ...Object.fromEntries(linked.flatMap((k) => [k, `${k}_username`]).map((k) => [k, z.null()])),
  fediverse_instance: z.null(),
});
const user = z.union([ownUser, publicUser]) satisfies z.ZodType<ReturnType<typeof presentProfile>>;

/** PATCH /@me's body: the profile action's own schema under pronouns.cc's snake_case names (routes.ts patchInput maps them back). */
const SNAKE: Record<string, string> = {
  displayName: 'display_name',
  memberTitle: 'member_title',
  listPrivate: 'list_private',
  customPreferences: 'custom_preferences',
};
const profileBody = z.object({
  ...Object.fromEntries(Object.entries(updateProfileSchema.shape).map(([key, schema]) => [SNAKE[key] ?? key, schema])),
  // The one nested rename: displayText is pronouns.cc's display_text.
  pronouns: z.array(z.object({ pronouns: z.string(), display_text: z.string().nullish(), status: z.string() })).optional(),
});

const ERRORS = { 400: failure, 401: failure, 403: failure, 404: failure, 413: failure, 429: limited, 503: failure };
const SELF = [401, 403];

/** pronouns.cc's /api/v1/users (also served at /users). */
export function pronounsOpenApi(mount: '/api/v1/users' | '/users' = '/api/v1/users'): ShimDoc {
  return {
    title: 'pronouns.cc user API (admin gateway shim)',
    description:
      "pronouns.cc's /api/v1/users, answered from the admin gateway. `/@me…` is self-service: send the gateway access token as `Authorization` (with or without `Bearer`); without one they are 403, with one that is not valid 401. Reading a user needs no token. Bodies up to 4 MB.",
    mount,
    auth: 'bare',
    errors: ERRORS,
    routes: [
      { method: 'get', path: '/@me', summary: "The caller's user (claims the profile: public from now on)", answers: { 200: ownUser }, errors: SELF },
      {
        method: 'patch',
        path: '/@me',
        summary: 'Change the own profile: omitted keys unchanged, "" or [] clears',
        body: profileBody,
        answers: { 200: ownUser },
        errors: [400, ...SELF, 413],
      },
      { method: 'get', path: '/@me/reroll', summary: 'A new random short id (once an hour: 403 code 2004)', answers: { 200: ownUser }, errors: SELF },
      { method: 'get', path: '/@me/flags', summary: "The caller's pride flags", answers: { 200: z.array(flag) }, errors: SELF },
      {
        method: 'post',
        path: '/@me/flags',
        summary: 'A new pride flag (`flag`: a data URI)',
        body: flagBody,
        answers: { 200: flag },
        errors: [400, ...SELF, 413],
      },
      {
        method: 'patch',
        path: '/@me/flags/:id',
        summary: 'Rename or redescribe an own flag',
        body: flagPatch,
        answers: { 200: flag },
        errors: [400, ...SELF, 404],
      },
      { method: 'delete', path: '/@me/flags/:id', summary: 'Delete an own flag', answers: { 204: null }, errors: [400, ...SELF, 404] },
      {
        method: 'get',
        path: '/:id{[0-9]{1,19}}/:file{[0-9a-f]{64}\\.webp}',
        summary: "A user's avatar image (`<avatar hash>.webp`)",
        answers: { 200: { media: 'image/webp' }, 404: z.strictObject({ error: z.string() }) },
        errors: [],
        secured: false,
      },
      {
        method: 'get',
        path: '/:ref',
        summary: 'A user by id or name (no token needed; 404 code 2001 for anyone not public)',
        params: z.object({ ref: z.string().describe('a user id or name') }),
        answers: { 200: user },
        errors: [404, 429],
        secured: false,
      },
    ],
  };
}
