import { Hono } from 'hono';
import { z } from 'zod';
import { encodeListCursor } from '../../db/connection.js';
import { encodeId } from '../../graphql/ids.js';
import { idText, mutationDocument, readJson, readQuery, run, type ShimDeps } from '../shim.js';
import { liquidError } from './errors.js';
import { LIQUID_APP_FIELDS, ok, presentApp, scopesOf, type LiquidAppSource } from './present.js';

const APP = `fragment LiquidApp on Application { ${LIQUID_APP_FIELDS} }`;
const CREATE = mutationDocument('createApplications', 'result { applications { clientSecret application { ...LiquidApp } } }', APP);
const UPDATE = mutationDocument('updateApplication', 'application { id }');
const DELETE = mutationDocument('deleteApplication', 'application { id }');
const LIST = `query LiquidApps($first: Int!, $after: String) { applications(first: $first, after: $after) { edges { node { ...LiquidApp } } } } ${APP}`;

const target = idText('must be a client DBID');
// The gateway generates every client secret and shows it once; it never takes one from the caller.
const noSecret = z.undefined({ message: 'The gateway generates client secrets: omit secret (create answers it once; rotate with rotateApplicationSecret)' });
const client = {
  id: z.string(),
  grants: z.array(z.string()),
  redirectUris: z.array(z.string()),
  secret: noSecret.optional(),
  role: z.enum(['internal_client', 'external_client']),
  scope: z.array(z.string()),
  displayName: z.string(),
};
const createBody = z.array(z.strictObject(client)).min(1).max(100);
const updateBody = z.strictObject({ target, ...Object.fromEntries(Object.entries(client).map(([k, v]) => [k, v.optional()])) } as { target: typeof target } & {
  [K in keyof typeof client]: z.ZodOptional<(typeof client)[K]>;
});
const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(50), offset: target.optional() });

const toInput = (b: Partial<z.output<z.ZodObject<typeof client>>>) =>
  Object.fromEntries(
    Object.entries({
      clientId: b.id,
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
    const body = await readJson(c, createBody);
    // One operation for the whole array: all or nothing, errors at input.applications.<n>.<field>.
    type Created = { clientSecret: string; application: LiquidAppSource };
    const data = await run<{ createApplications: { result: { applications: Created[] } } }>(ctx, CREATE, { input: { applications: body.map(toInput) } });
    const created = data.createApplications.result.applications.map((r) => ({ ...presentApp(r.application), secret: r.clientSecret }));
    // The generated secrets are answered here, once.
    return ok(c, created);
  });

  app.patch('/update', async (c) => {
    const ctx = await deps.contextFor(c);
    const { target: id, ...rest } = await readJson(c, updateBody);
    await run(ctx, UPDATE, { input: { id: encodeId('Application', id), ...toInput(rest) } });
    return ok(c);
  });

  app.delete('/delete', async (c) => {
    const ctx = await deps.contextFor(c);
    const body = await readJson(c, z.strictObject({ target }));
    await run(ctx, DELETE, { input: { id: encodeId('Application', body.target), reason: 'Liquid client delete' } });
    return ok(c);
  });

  app.get('/list', async (c) => {
    const ctx = await deps.contextFor(c);
    const q = readQuery(c, listQuery);
    // Liquid pages by the last id it saw: that is the applications connection's keyset cursor.
    const after = q.offset ? encodeListCursor('ID_ASC', String(q.offset), String(q.offset)) : null;
    const data = await run<{ applications: { edges: { node: LiquidAppSource }[] } }>(ctx, LIST, { first: q.limit, after });
    return ok(
      c,
      data.applications.edges.map((e) => presentApp(e.node)),
    );
  });

  app.onError((error, c) => liquidError(c, error));
  app.notFound((c) => c.json({ ok: 0, error: 'not_found', message: 'No such route' }, 404));
  return app;
}
