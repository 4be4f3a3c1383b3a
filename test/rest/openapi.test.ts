import { Validator } from '@seriousme/openapi-schema-validator';
import type { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { cookieOpenApi } from '../../src/rest/cookiecms/openapi.js';
import { cookieRoutes } from '../../src/rest/cookiecms/routes.js';
import { liquidClientRoutes } from '../../src/rest/liquid/clients.js';
import { liquidClientsOpenApi, liquidRolesOpenApi, liquidUsersOpenApi } from '../../src/rest/liquid/openapi.js';
import { liquidRoleRoutes } from '../../src/rest/liquid/roles.routes.js';
import { liquidRoutes } from '../../src/rest/liquid/routes.js';
import { liquidScopeRoutes } from '../../src/rest/liquid/scopes.routes.js';
import { litecordOpenApi } from '../../src/rest/litecord/openapi.js';
import { litecordRoutes } from '../../src/rest/litecord/routes.js';
import { describedRoutes, jsonSchema, openApiDocument, openApiPath, type ShimDoc } from '../../src/rest/openapi.js';
import { pleromaOpenApi } from '../../src/rest/pleroma/openapi.js';
import { pleromaRoutes } from '../../src/rest/pleroma/routes.js';
import { pronounsOpenApi } from '../../src/rest/pronouns/openapi.js';
import { pronounsRoutes } from '../../src/rest/pronouns/routes.js';
import type { ShimDeps } from '../../src/rest/shim.js';
import { useGateway } from '../helpers/app.js';

const gw = useGateway();

const deps: ShimDeps = {
  contextFor: async () => {
    throw new Error('not called');
  },
};

/** `METHOD /path` of an app's routes under `prefix` (stripped), a trailing slash twin counted once; the document's own route aside. */
const routesOf = (app: Hono, prefix = '') =>
  app.routes
    .filter((r) => r.method !== 'ALL' && r.path.startsWith(`${prefix}/`) && r.path !== '/openapi.json')
    .map((r) => `${r.method} ${r.path.slice(prefix.length).replace(/(.)\/$/, '$1')}`);

/** Each shim's document beside the Hono apps whose routes it must describe (the app-relative prefix, if any). */
const SHIMS: [ShimDoc, [Hono, string?][]][] = [
  [litecordOpenApi(), [[litecordRoutes(deps)]]],
  [pleromaOpenApi(), [[pleromaRoutes(deps)]]],
  [liquidUsersOpenApi(), [[liquidRoutes(deps)], [liquidScopeRoutes(deps), '/admin-api']]],
  [liquidClientsOpenApi(), [[liquidClientRoutes(deps)]]],
  [liquidRolesOpenApi(), [[liquidRoleRoutes(deps), '/admin-api']]],
  [cookieOpenApi(), [[cookieRoutes(deps), '/admin']]],
  // Only the routes list is read: no request reaches the media store, so no database is given (as never).
  [pronounsOpenApi(), [[pronounsRoutes(deps, undefined as never)]]],
  [pronounsOpenApi('/users'), [[pronounsRoutes(deps, undefined as never)]]],
];

describe('OpenAPI documents of the shims', () => {
  it.each(SHIMS.map(([doc, apps]) => [doc.mount, doc, apps] as const))('%s: every route of the shim is described, and nothing else', (_, doc, apps) => {
    const registered = [...new Set(apps.flatMap(([app, prefix]) => routesOf(app, prefix)))].sort();
    expect(describedRoutes(doc).sort()).toEqual(registered);
  });

  it.each(SHIMS.map(([doc]) => [doc.mount, doc] as const))('%s: the document is valid OpenAPI 3.1', async (_, doc) => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(openApiDocument(doc)));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    // The validator does refuse a broken document (a control).
    const broken = { ...openApiDocument(doc), info: { title: doc.title } };
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it('serves each document at <mount>/openapi.json without a token, the same with one', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    for (const [doc] of SHIMS) {
      const res = await gw.request(`${doc.mount}/openapi.json`);
      expect(res.status, doc.mount).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const body = await res.json();
      expect(body).toEqual(JSON.parse(JSON.stringify(openApiDocument(doc))));
      expect(await (await gw.request(`${doc.mount}/openapi.json`, { token: admin.token })).json()).toEqual(body);
    }
  });

  it('names each request schema from the zod the route validates with', () => {
    const doc = openApiDocument(litecordOpenApi()) as { paths: Record<string, Record<string, any>> };
    const search = doc.paths['/users'].get.parameters;
    expect(search.find((p: { name: string }) => p.name === 'per_page')).toMatchObject({
      in: 'query',
      required: false,
      schema: { type: 'integer', maximum: 50 },
    });
    expect(doc.paths['/users/{id}'].patch.requestBody.content['application/json'].schema).toMatchObject({ required: ['flags'], additionalProperties: false });
    expect(doc.paths['/users'].put.operationId).toBe('putUsers');
  });

  it('turns Hono paths into OpenAPI templates and refuses schemas it cannot inline', () => {
    expect(openApiPath('/users/:nickname/permission_group/:permission_group')).toBe('/users/{nickname}/permission_group/{permission_group}');
    expect(openApiPath('/guilds/:id{[0-9]+}')).toBe('/guilds/{id}');
    expect(openApiPath('/:id{[0-9]{1,19}}/:file{[0-9a-f]{64}\\.webp}')).toBe('/{id}/{file}');
    const tree: z.ZodType = z.lazy(() => z.object({ children: z.array(tree) }));
    expect(() => jsonSchema(tree, 'output')).toThrow(/inlined/);
  });
});
