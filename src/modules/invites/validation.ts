import { z } from 'zod';
import { emailSchema, passwordSchema, usernameSchema } from '../users/validation.js';

const codeSchema = z
  .string()
  .min(4, 'at least 4 characters')
  .max(64, 'at most 64 characters')
  .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only');

export const createInviteSchema = z.object({
  code: codeSchema.describe('Default: a random code').nullish(),
  /** Null or omitted with unlimited: no limit. */
  maxUses: z.number().int().min(1, 'at least 1').max(1_000_000).describe('Default 1 (one-time)').nullish(),
  unlimited: z.boolean().describe('No use limit').nullish(),
  expiresAt: z.date().nullish(),
  ownerId: z.bigint().nullish(),
  /** Mail the invite to this address (Pleroma's email_invite), in the same transaction. */
  email: z.email().describe('Mail the invite link to this address (queued with the invite)').nullish(),
  name: z.string().max(100).describe('Whom to greet in that mail').nullish(),
});

export const registerSchema = z.object({ code: z.string().max(64), username: usernameSchema, email: emailSchema, password: passwordSchema });
