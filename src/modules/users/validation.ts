import { z } from 'zod';

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const noControl = (s: string) => !/[\u0000-\u001f\u007f]/.test(s);
const text = (max: number) => z.string().max(max, `at most ${max} characters`).refine(noControl, 'must not contain control characters');

export const usernameSchema = text(64)
  .min(2, 'at least 2 characters')
  .refine((s) => s.trim() === s, 'must not start or end with spaces')
  .refine((s) => !s.includes('@'), 'must not contain @ (the domain is separate)');

export const emailSchema = z.email('must be an email address').max(254);
export const passwordSchema = z
  .string()
  .min(8, 'at least 8 characters')
  .max(256, 'at most 256 characters')
  .refine(noControl, 'must not contain control characters');

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** Profile fields shared by create and update; null clears a field on update. */
export const profileFields = {
  displayName: text(100).nullish(),
  firstName: text(100).nullish(),
  middleName: text(100).nullish(),
  lastName: text(100).nullish(),
  phone: z
    .string()
    .regex(/^\+?[0-9 ()-]{3,32}$/, 'must be a phone number')
    .nullish(),
  countryCode: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be a two-letter ISO 3166 code')
    .describe('ISO 3166 alpha-2, e.g. "DE"')
    .nullish(),
  bio: text(4000).nullish(),
  pronouns: text(100).nullish(),
  organization: text(200).nullish(),
  designation: text(200).nullish(),
  gender: text(64).nullish(),
  preferredLanguage: z
    .string()
    .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as "en" or "pt-BR"')
    .describe('BCP 47 language tag, e.g. "en" or "pt-BR"')
    .nullish(),
  customLink: z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
    .max(2000)
    .nullish(),
  emailVerified: z.boolean('must be true or false').describe('The address was confirmed (set by an admin)').nullish(),
  avatarHash: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be a content hash')
    .nullish(),
  timezone: z.string().refine(isTimeZone, 'must be an IANA time zone').describe('IANA name, e.g. "Europe/Berlin"').nullish(),
  flags: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .refine((f) => (f & 1) === 0, 'bit 1 (staff) follows from roles and cannot be set')
    .describe('Litecord flags; bit 1 (staff) follows from roles and is refused')
    .nullish(),
  tags: z.array(text(64).min(1)).max(100, 'at most 100 tags').nullish(),
  customData: z
    .record(z.string(), z.unknown())
    .refine((v) => JSON.stringify(v).length <= 64 * 1024, 'at most 64 KB of JSON')
    .nullish(),
};

export const domainSchema = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a lowercase host name')
  .nullish();

export const createUserSchema = z.object({
  username: usernameSchema,
  domain: domainSchema.describe('Remote accounts only'),
  email: emailSchema.nullish(),
  password: passwordSchema.describe('Without one the account cannot sign in with a password').nullish(),
  role: z.string().max(64).describe('A role to give at once (ranked below your own; needs admin:roles:grant)').nullish(),
  ...profileFields,
});

export const updateUserSchema = z.object({
  username: usernameSchema.optional(),
  /** Roles given (unless held now) and taken away (if held now) in the same transaction as the other changes. */
  giveRoles: z
    .array(z.string().min(1).max(64))
    .max(10)
    .describe('Roles to give, open-ended from now (as assignRole), under the rank rules; needs admin:roles:grant. All or nothing with the other changes')
    .nullish(),
  takeRoles: z
    .array(z.string().min(1).max(64))
    .max(10)
    .describe('Roles to take away (if held now), under the rank rules; needs admin:roles:grant. All or nothing with the other changes')
    .nullish(),
  /** Sets (true) or clears (false) verifiedAt in the same transaction, audited as verifyUser is; null is refused. */
  verified: z
    .boolean('must be true or false')
    .describe('Sets (true) or clears (false) verifiedAt, as verifyUser does (audited as user.verify). All or nothing with the other changes')
    .optional(),
  email: emailSchema.nullish(),
  password: passwordSchema.optional(),
  ...profileFields,
});

export type CreateUserInput = z.input<typeof createUserSchema>;
export type UpdateUserInput = z.input<typeof updateUserSchema>;
