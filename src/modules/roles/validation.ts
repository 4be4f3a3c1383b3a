import { z } from 'zod';
import { superadminRank } from '../../access/policy.js';
import { scopeList } from '../../access/scopes.js';
import { isLiquidScope } from '../../access/liquid-scopes.js';

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

/** Liquid scope names (every name of Liquid's tree, see access/liquid-scopes.ts), without repeats, order kept. */
export const liquidScopeNames = z
  .array(z.string())
  .max(200)
  .superRefine((list, ctx) => {
    for (const [i, s] of list.entries()) if (!isLiquidScope(s)) ctx.addIssue({ code: 'custom', path: [i], message: `${s} is not a Liquid scope` });
  })
  .transform((list) => [...new Set(list)]);

export const LIQUID_TARGET_TYPES = ['USER', 'APPLICATION', 'ROLE'] as const;

export const setLiquidScopesSchema = z
  .object({
    targetType: z.enum(LIQUID_TARGET_TYPES),
    targets: z.array(z.bigint()).max(1000).nullish(),
    roleNames: z.array(z.string().max(64)).max(1000).nullish(),
    scopes: liquidScopeNames,
    operation: z.enum(['SET', 'ADD', 'REMOVE']),
  })
  .superRefine((input, ctx) => {
    const count = (input.targets?.length ?? 0) + (input.roleNames?.length ?? 0);
    if (count === 0 || count > 1000) ctx.addIssue({ code: 'custom', path: ['targets'], message: 'between 1 and 1,000 targets' });
    if (input.roleNames?.length && input.targetType !== 'ROLE') ctx.addIssue({ code: 'custom', path: ['roleNames'], message: 'only for ROLE targets' });
  });
