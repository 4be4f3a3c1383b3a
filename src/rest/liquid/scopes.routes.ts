import { Hono } from 'hono';
import { z } from 'zod';
import { isLiquidScope } from '../../access/liquid-scopes.js';
import { omitNulls } from '../../core/objects.js';
import { encodeId } from '../../graphql/ids.js';
import { idText, mutationDocument, readJson, run, type ShimDeps } from '../shim.js';
import { liquidError } from './errors.js';
import { ok, toRoleName } from './present.js';

/**
 * Liquid's scope routes (mounted at /user): GET /scopes, the whole scope tree as Liquid answers it,
 * and POST /admin-api/access, access provisioning (Nitrogen's ScopeSelector) as one
 * setLiquidScopes: every Liquid name is kept exactly, so a client that reads an entity's scope[]
 * and sends it back with `set` loses none.
 */

const TREE = `query LiquidScopeTree { liquidScopeTree { name description adminDescription parent } }`;
const ACCESS = mutationDocument('setLiquidScopes', 'result { changedCount }');

// Liquid's role ids are role names (up to 128 characters, as its role routes take them).
const roleId = z.string().min(1).max(128);
export const accessBody = z
  .strictObject({
    targets: z.array(z.string()).min(1).max(1000),
    targetType: z.enum(['user', 'client', 'role']),
    // Liquid refuses the whole request when any name is not in its tree ("Invalid value" at `scope`).
    scope: z
      .array(z.string())
      .max(200)
      .refine((names) => names.every(isLiquidScope), 'Invalid value'),
    operation: z.enum(['set', 'add', 'del']),
  })
  .superRefine((body, ctx) => {
    const id = body.targetType === 'role' ? roleId : idText('Invalid value');
    if (!body.targets.every((t) => id.safeParse(t).success)) ctx.addIssue({ code: 'custom', path: ['targets'], message: 'Invalid value' });
  });

const TYPE = { user: 'USER', client: 'APPLICATION', role: 'ROLE' } as const;
const TYPENAME = { user: 'User', client: 'Application' } as const;

export function liquidScopeRoutes(deps: ShimDeps) {
  const app = new Hono();

  app.get('/scopes', async (c) => {
    const ctx = await deps.contextFor(c);
    type Entry = { name: string; description: string; adminDescription: string | null; parent: string | null };
    const data = await run<{ liquidScopeTree: Entry[] }>(ctx, TREE);
    // Liquid answers its scopes.json keyed by name, each entry with only the keys it has.
    return ok(c, { scopes: Object.fromEntries(data.liquidScopeTree.map((e) => [e.name, omitNulls(e)])) });
  });

  app.post('/admin-api/access', async (c) => {
    const ctx = await deps.contextFor(c);
    const body = await readJson(c, accessBody);
    const byName = body.targetType === 'role';
    await run(ctx, ACCESS, {
      input: {
        targetType: TYPE[body.targetType],
        ...(byName
          ? { roleNames: body.targets.map(toRoleName) }
          : { targets: body.targets.map((t) => encodeId(TYPENAME[body.targetType as 'user' | 'client'], t)) }),
        scopes: body.scope,
        operation: { set: 'SET', add: 'ADD', del: 'REMOVE' }[body.operation],
      },
    });
    return ok(c);
  });

  app.onError((error, c) => liquidError(c, error));
  return app;
}
