import { Hono } from 'hono';
import { z } from 'zod';
import { decodeId } from '../../graphql/ids.js';
import { allNodes, mutationDocument, readJson, run, type ShimDeps } from '../shim.js';
import { liquidError } from './errors.js';
import { fromRoleName, ok, toRoleName } from './present.js';

/**
 * Liquid's roles (mounted at /roles): GET /list and /admin-api/create, update, delete, answered as
 * Liquid's source answers them. Liquid's ranking runs the other way from the gateway's rank (1 is
 * the highest): ranking = 1001 − rank, so superadmin (1000) is 1 and a rank-1 role is 1000; plain
 * accounts (Liquid's `user` role, no role here) rank below every role, 1001. A role's scope[] is
 * its Liquid names (Role.liquidScopes); as in Liquid, only POST /user/admin-api/access changes it.
 */

const TOP = 1001;
export const toRanking = (rank: number) => TOP - rank;
export const toRank = (ranking: number) => TOP - ranking;

const ROLE_FIELDS = 'id name displayName description rank builtIn liquidScopes';
interface RoleSource {
  id: string;
  name: string;
  displayName: string;
  description: string;
  rank: number;
  builtIn: boolean;
  liquidScopes: string[];
}

const LIST = `query LiquidRoles($after: String) {
  roles(first: 100, after: $after, orderBy: RANK_DESC) { edges { node { ${ROLE_FIELDS} } } pageInfo { hasNextPage endCursor } }
}`;
const CREATE = mutationDocument('createRole', `role { ${ROLE_FIELDS} }`);
const UPDATE = mutationDocument('updateRole', `role { ${ROLE_FIELDS} }`);
const DELETE = mutationDocument('deleteRole', 'role { id }');

/** A role as Liquid answers it (`system` only on built-in roles, as Liquid marks its system roles). */
export function presentRole(role: RoleSource) {
  return {
    _id: decodeId(role.id, 'Role').toString(),
    id: fromRoleName(role.name),
    displayName: role.displayName,
    description: role.description,
    ranking: toRanking(role.rank),
    scope: role.liquidScopes,
    type: 'user',
    ...(role.builtIn ? { system: true } : {}),
  };
}

/** Liquid's `user` role: every account without a role. Not a role here, so not editable. */
const PLAIN = {
  id: 'user',
  displayName: 'User',
  description: 'Accounts without a role. Ranked the lowest; holds no scopes through its role.',
  ranking: TOP,
  scope: [],
  type: 'user',
  system: true,
};

// Liquid's validators (express-validator) with the gateway's limits: role names are 2–64 characters,
// and rank 1000 (ranking 1) is superadmin's alone.
const id = z
  .string()
  .min(2, 'at least 2 characters')
  .max(64, 'at most 64 characters')
  .regex(/^[a-zA-Z0-9_]+$/, 'letters, digits and _ only')
  // Liquid's own roles for plain accounts and clients are not roles here, and their ids stay theirs.
  .refine((v) => !['user', 'internal_client', 'external_client'].includes(v.toLowerCase()), 'is a system role');
const ranking = z
  .number()
  .int()
  .min(2, "2 or more: 1 is Super Admin's")
  .max(TOP - 1, `at most ${TOP - 1}`);
const displayName = z.string().min(1).max(128);
const description = z.string().min(1).max(512);
// Like Liquid, scope is ignored here (only /user/admin-api/access sets it) and other keys are dropped.
export const createBody = z.object({ id, displayName, ranking, description: description.optional(), scope: z.unknown().optional() });
export const updateBody = z.object({
  target: z.string().min(1).max(128),
  displayName: displayName.optional(),
  ranking: ranking.optional(),
  description: description.optional(),
  scope: z.unknown().optional(),
});
export const deleteBody = z.object({ target: z.string().min(1).max(128) });

export function liquidRoleRoutes(deps: ShimDeps) {
  const app = new Hono();

  // Liquid answers every role whatever `limit` says; so does this (page by page, one list query).
  app.get('/list', async (c) => {
    const ctx = await deps.contextFor(c);
    const roles = await allNodes<RoleSource>(ctx, LIST, 'roles');
    return ok(c, { roles: [...roles.map(presentRole), PLAIN] });
  });

  app.post('/admin-api/create', async (c) => {
    const ctx = await deps.contextFor(c);
    const body = await readJson(c, createBody);
    const input = { name: toRoleName(body.id), displayName: body.displayName, rank: toRank(body.ranking), description: body.description, scopes: [] };
    const data = await run<{ createRole: { role: RoleSource } }>(ctx, CREATE, { input });
    return ok(c, { role: presentRole(data.createRole.role) });
  });

  app.patch('/admin-api/update', async (c) => {
    const ctx = await deps.contextFor(c);
    const body = await readJson(c, updateBody);
    const input = {
      roleName: toRoleName(body.target),
      displayName: body.displayName,
      description: body.description,
      ...(body.ranking === undefined ? {} : { rank: toRank(body.ranking) }),
    };
    const data = await run<{ updateRole: { role: RoleSource } }>(ctx, UPDATE, { input });
    return ok(c, { role: presentRole(data.updateRole.role) });
  });

  app.delete('/admin-api/delete', async (c) => {
    const ctx = await deps.contextFor(c);
    const body = await readJson(c, deleteBody);
    await run(ctx, DELETE, { input: { roleName: toRoleName(body.target), reason: 'Liquid role delete' } });
    return ok(c, {});
  });

  app.onError((error, c) => liquidError(c, error));
  return app;
}
