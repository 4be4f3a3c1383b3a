import { z } from 'zod';
import { superadminRank } from '../../access/policy.js';
import { scopeList } from '../../access/scopes.js';

const roleName = z
  .string()
  .min(2, 'at least 2 characters')
  .max(64, 'at most 64 characters')
  .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only');
const rank = z
  .number()
  .int()
  .min(1, 'at least 1')
  .max(superadminRank - 1, `below ${superadminRank} (superadmin)`)
  .describe('1 to 999; only roles ranked below your own');

const scopes = scopeList.describe('Scopes of the catalog (see scopeCatalog); only scopes you hold');

export const createRoleSchema = z.object({ name: roleName, rank, description: z.string().max(1000).nullish(), scopes });
export const updateRoleSchema = z.object({
  name: roleName.optional(),
  rank: rank.optional(),
  description: z.string().max(1000).nullish(),
  scopes: scopes.optional(),
});
