import { z } from 'zod';
import { BUILTIN_STATUSES } from './model.js';

/**
 * pronouns.cc's documented limits (pronouns-users.md); where it documents none (names, pronouns,
 * fields, preferences, flags), the limits below are the gateway's choice (README "pronouns.cc").
 * For every text of PATCH an empty string (and for lists an empty array) clears it: pronouns.cc's
 * "zero value unsets".
 */
export const MAX_FLAGS = 500;
export const NAME_RULE = /^[A-Za-z_.-]{2,40}$/;
export const NAME_PROBLEM = 'must be 2 to 40 characters: ASCII letters, _, . and -';
/** Names a route of the user API answers instead of a user (`/users/openapi.json`: its OpenAPI document). */
export const RESERVED_NAMES = ['openapi.json'];

const clearable = (max: number, what: string) => z.string().max(max, `${what}: at most ${max} characters`);
const status = z.string().min(1).max(64);

const fieldEntry = z.strictObject({ value: z.string().min(1).max(128), status });
const pronounEntry = z.strictObject({
  pronouns: z.string().min(1).max(128),
  displayText: z.string().max(128).nullish(),
  status,
});
const profileField = z.strictObject({ name: z.string().min(1).max(100), entries: z.array(fieldEntry).max(100, 'at most 100 entries') });
const customPreference = z.strictObject({
  icon: z.string().min(1).max(64),
  tooltip: z.string().min(1).max(128),
  size: z.enum(['large', 'normal', 'small']),
  muted: z.boolean(),
  favourite: z.boolean(),
});
const preferences = z.record(z.uuid('keys must be UUIDs'), customPreference).refine((m) => Object.keys(m).length <= 50, 'at most 50 custom preferences');

/** The flag ids of the user's flags, as pronouns.cc sends them (strings). */
const flagId = z.string().regex(/^[1-9][0-9]{0,18}$/, 'not a pride flag id');

export const updateProfileSchema = z.object({
  name: z
    .string()
    .regex(NAME_RULE, NAME_PROBLEM)
    .refine((n) => !RESERVED_NAMES.includes(n.toLowerCase()), 'is reserved')
    .optional(),
  displayName: clearable(100, 'display_name').optional(),
  bio: clearable(1000, 'bio').optional(),
  memberTitle: clearable(150, 'member_title').optional(),
  links: z.array(z.string().min(1).max(256, 'each link: at most 256 characters')).max(25, 'at most 25 links').optional(),
  names: z.array(fieldEntry).max(50, 'at most 50 names').optional(),
  pronouns: z.array(pronounEntry).max(50, 'at most 50 pronouns').optional(),
  fields: z.array(profileField).max(25, 'at most 25 fields').optional(),
  flags: z.array(flagId).max(MAX_FLAGS).optional(),
  /** A data URI (PNG, JPEG or WebP); "" removes the avatar. */
  avatar: z.string().optional(),
  timezone: z.string().max(64).optional(),
  listPrivate: z.boolean().optional(),
  customPreferences: preferences.optional(),
});
export type UpdateProfileInput = z.output<typeof updateProfileSchema>;

export const createFlagSchema = z.object({
  flag: z.string().min(1),
  name: z.string().min(1).max(100),
  description: z.string().max(500).nullish(),
});

export const updateFlagSchema = z.object({
  id: flagId,
  name: z.string().min(1).max(100).optional(),
  description: z.string().min(1).max(500).optional(),
});

export const flagIdSchema = z.object({ id: flagId });

/** Problems with statuses that name neither a built-in nor one of `prefs`' keys, as input paths. */
export function statusProblems(input: Pick<UpdateProfileInput, 'names' | 'pronouns' | 'fields'>, prefs: readonly string[]) {
  const known = new Set<string>([...BUILTIN_STATUSES, ...prefs]);
  const problems: { path: string[]; message: string }[] = [];
  const check = (s: string, path: string[]) => {
    if (!known.has(s)) problems.push({ path, message: 'must be a built-in status or the UUID of one of your custom preferences' });
  };
  for (const [i, e] of (input.names ?? []).entries()) check(e.status, ['names', String(i), 'status']);
  for (const [i, e] of (input.pronouns ?? []).entries()) check(e.status, ['pronouns', String(i), 'status']);
  for (const [i, f] of (input.fields ?? []).entries())
    for (const [j, e] of f.entries.entries()) check(e.status, ['fields', String(i), 'entries', String(j), 'status']);
  return problems;
}

/** A moderator's reason, recorded in the audit log. */
const reason = z.string().trim().min(1, 'give a reason').max(1000);

export const moderateProfileSchema = z.object({
  action: z.enum(['PUBLISH', 'UNPUBLISH', 'HIDE', 'UNHIDE', 'CLEAR_AVATAR', 'CLEAR_BIO']),
  reason,
});

export const removeFlagSchema = z.object({ reason });

/** pronouns.cc's badges: a bitmask of at most 31 bits (GraphQL's Int), never negative. */
export const setBadgesSchema = z.object({ badges: z.number().int().min(0, 'badges is a bitmask, never negative'), reason });
