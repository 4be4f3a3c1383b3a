import { Hono } from 'hono';
import { z } from 'zod';
import { encodeListCursor } from '../../db/connection.js';
import { encodeId } from '../../graphql/ids.js';
import { idText, mutationDocument, run, type ShimDeps } from '../shim.js';
import { liquidError, liquidNotFound, readBody, readParams } from './errors.js';
import { LIQUID_APP_FIELDS, LIST_LIMITS, ok, presentApp, scopesOf, type LiquidAppSource } from './present.js';

const APP = `fragment LiquidApp on Application { ${LIQUID_APP_FIELDS} }`;
const CREATE = mutationDocument('createApplications', 'result { applications { clientSecret application { ...LiquidApp } } }', APP);
const UPDATE = mutationDocument('updateApplication', 'application { id }');
const DELETE = mutationDocument('deleteApplication', 'application { id }');
const LIST = `query LiquidApps($first: Int!, $after: String) { applications(first: $first, after: $after) { edges { node { ...LiquidApp } } } } ${APP}`;

const target = idText('must be a client DBID');
/**
 * A secret the admin chose (createApplication's `secret`: stored hashed, answered once). Empty is
 * none (Nitrogen sends "" for a blank field): the gateway then generates one.
 */
const chosenSecret = z
  .string()
  .max(256, 'at most 256 characters')
  .refine((s) => s === '' || s.length >= 16, 'at least 16 characters (or none: the gateway generates one)')
  .transform((s) => s || undefined);
// An update cannot set a secret: rotateApplicationSecret makes a new one.
const noSecret = z.undefined({ message: 'a secret is chosen at create; rotate it with rotateApplicationSecret' });
const client = {
  id: z.string(),
  grants: z.array(z.string()),
  redirectUris: z.array(z.string()),
  role: z.enum(['internal_client', 'external_client']),
  scope: z.array(z.string()),
  displayName: z.string(),
};
const createItem = z.strictObject({ ...client, scope: client.scope.optional(), secret: chosenSecret.optional() });
// Nitrogen sends one object (as Liquid 237debba reads it); the documented form is an array.
export const createBody = z.union([z.array(createItem).min(1).max(100), createItem]);
export const updateBody = z.strictObject({
  target,
  ...(Object.fromEntries(Object.entries(client).map(([k, v]) => [k, v.optional()])) as { [K in keyof typeof client]: z.ZodOptional<(typeof client)[K]> }),
  secret: noSecret.optional(),
});
export const listQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .transform((n) => Math.min(n || LIST_LIMITS.default, LIST_LIMITS.max)),
  offset: target.optional(),
});
export const deleteBody = z.strictObject({ target });

const toInput = (b: Partial<z.output<z.ZodObject<typeof client>>> & { secret?: string }) =>
  Object.fromEntries(
    Object.entries({
      clientId: b.id,
      secret: b.secret,
      displayName: b.displayName,
      grants: b.grants,
      redirectUris: b.redirectUris,
      role: b.role && (b.role === 'internal_client' ? 'INTERNAL' : 'EXTERNAL'),
      scopes: b.scope && scopesOf(b.scope),
    }).filter(([, v]) => v !== undefined),
  );

/** Liquid's /client/admin-api: applications (OAuth clients). */
export function liquidClientRoutes(deps: ShimDeps) {
  const app = new Hono();

  app.post('/create', async (c) => {
    const ctx = await deps.contextFor(c);
    const body = await readBody(c, createBody);
    const items = Array.isArray(body) ? body : [body];
    // One operation for the whole array: all or nothing, errors at input.applications.<n>.<field>.
    type Created = { clientSecret: string; application: LiquidAppSource };
    // Liquid's scope is optional at create (default none).
    const applications = items.map((item) => toInput({ ...item, scope: item.scope ?? [] }));
    const data = await run<{ createApplications: { result: { applications: Created[] } } }>(ctx, CREATE, { input: { applications } });
    // Each secret (generated or chosen) is answered here, once; it is stored only as a hash.
    const created = data.createApplications.result.applications.map((r) => ({ ...presentApp(r.application), secret: r.clientSecret }));
    return Array.isArray(body) ? ok(c, created) : ok(c, { client: created[0] });
  });

  app.patch('/update', async (c) => {
    const ctx = await deps.contextFor(c);
    const { target: id, secret: _none, ...rest } = await readBody(c, updateBody);
    await run(ctx, UPDATE, { input: { id: encodeId('Application', id), ...toInput(rest) } });
    return ok(c);
  });

  app.delete('/delete', async (c) => {
    const ctx = await deps.contextFor(c);
    const body = await readBody(c, deleteBody);
    await run(ctx, DELETE, { input: { id: encodeId('Application', body.target), reason: 'Liquid client delete' } });
    return ok(c);
  });

  app.get('/list', async (c) => {
    const ctx = await deps.contextFor(c);
    const q = readParams(c, listQuery);
    // Liquid pages by the last id it saw: that is the applications connection's keyset cursor.
    const after = q.offset ? encodeListCursor('ID_ASC', String(q.offset), String(q.offset)) : null;
    const data = await run<{ applications: { edges: { node: LiquidAppSource }[] } }>(ctx, LIST, { first: q.limit, after });
    return ok(c, { clients: data.applications.edges.map((e) => presentApp(e.node)) });
  });

  app.onError((error, c) => liquidError(c, error));
  app.notFound(liquidNotFound);
  return app;
}
