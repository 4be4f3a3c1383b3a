import type { Context } from 'hono';
import { z } from 'zod';

/**
 * OpenAPI 3.1 documents for the legacy shims, built from zod: the request schemas are the ones the
 * routes validate with (exported from their route files), the answers are written once per shim
 * beside it (`<legacy>/openapi.ts`, shaped after its present.ts). JSON Schema comes from zod's own
 * `z.toJSONSchema` (draft 2020-12, the dialect of OpenAPI 3.1). Every schema is inlined, so each
 * answer's schema stands alone (a test validates real answers against it).
 */

export type Method = 'get' | 'put' | 'post' | 'patch' | 'delete';

/** An answer's JSON body, a body of another media type (`{ media: 'image/webp' }`), or null for none (204). */
export type Answer = z.ZodType | { media: string } | null;

export interface RouteDoc {
  /** One method, or several served by the same handler (Litecord's PUT and POST /users). */
  method: Method | Method[];
  /** The path as registered in the shim's Hono app (`/users/:id`), relative to the mount. */
  path: string;
  summary: string;
  description?: string;
  /** Path parameters (default: each a string). */
  params?: z.ZodObject;
  /** Query parameters: one per key of the object. */
  query?: z.ZodObject;
  /** The body (JSON unless `bodyMedia` says otherwise, e.g. multipart/form-data). */
  body?: z.ZodType;
  bodyMedia?: string;
  /** The route's own answers by status (its successes, and any error it words itself). */
  answers: Record<number, Answer>;
  /** The statuses it may answer with the shim's error envelope. */
  errors: number[];
  /** False for a route any caller may call (the document itself). */
  secured?: boolean;
}

export interface ShimDoc {
  title: string;
  /** What the legacy system is, what is served, how a caller signs in. */
  description: string;
  /** Where the routes are mounted (the document's server URL). */
  mount: string;
  /** `bearer`: `Authorization: Bearer <token>`; `bare`: `Authorization: <token>` (Litecord). */
  auth: 'bearer' | 'bare';
  /** The shim's error envelope for each status it uses. */
  errors: Record<number, z.ZodType>;
  routes: RouteDoc[];
}

export const OPENAPI_VERSION = '3.1.0';
const DIALECT = 'https://json-schema.org/draft/2020-12/schema';

type Json = Record<string, unknown>;

/** zod → JSON Schema (2020-12), without the `$schema` key (the document names its dialect once). */
export function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json;
  // A `$ref` (`#`, `#/$defs/…`) would point into the document once inlined: the shims' schemas have none.
  if ('$defs' in rest || JSON.stringify(rest).includes('"$ref"'))
    throw new Error('OpenAPI schemas are inlined: a recursive schema (or one with an id) cannot be');
  return rest;
}

/** `/users/:id` → `/users/{id}` (a Hono regex suffix such as `:id{[0-9]+}` dropped). */
export const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)(\{(?:[^{}]|\{[^{}]*\})*\})?/g, '{$1}');

const pathParams = (path: string) => [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);

/** A schema accepts `undefined` (optional, or with a default): its parameter is not required. */
const isOptional = (schema: z.ZodType) => schema.safeParse(undefined).success;

function parameters(route: RouteDoc): Json[] {
  const shape = route.params?.shape ?? {};
  const inPath = pathParams(route.path).map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: shape[name] ? jsonSchema(shape[name] as z.ZodType, 'input') : { type: 'string' },
  }));
  const inQuery = Object.entries(route.query?.shape ?? {}).map(([name, field]) => {
    const schema = jsonSchema(field as z.ZodType, 'input');
    // Nested keys (`invite[max_use]=3`) are a deep object.
    return {
      name,
      in: 'query',
      required: !isOptional(field as z.ZodType),
      schema,
      ...(schema.type === 'object' ? { style: 'deepObject', explode: true } : {}),
    };
  });
  return [...inPath, ...inQuery];
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No content',
  400: 'Bad input',
  401: 'Not signed in, or not allowed',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Conflict',
  413: 'Body too large',
  429: 'Rate limited',
  502: 'The other system failed',
  503: 'Database unavailable',
};

function response(status: number, answer: Answer): Json {
  const description = STATUS_TEXT[status] ?? `Status ${status}`;
  if (answer === null) return { description };
  if ('media' in answer) return { description, content: { [answer.media]: {} } };
  return { description, content: { 'application/json': { schema: jsonSchema(answer, 'output') } } };
}

function operation(doc: ShimDoc, route: RouteDoc, method: Method, errorSchemas: Map<number, z.ZodType>): Json {
  const responses: Json = {};
  for (const [status, answer] of Object.entries(route.answers)) responses[status] = response(Number(status), answer);
  for (const status of route.errors) {
    const envelope = errorSchemas.get(status);
    if (!envelope) throw new Error(`${doc.title}: no error envelope for ${status} (${method} ${route.path})`);
    responses[status] ??= response(status, envelope);
  }
  const params = parameters(route);
  return {
    operationId: `${method}${openApiPath(route.path).replace(/[^A-Za-z0-9]+(.)?/g, (_, ch: string | undefined) => (ch ?? '').toUpperCase())}`,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    ...(params.length ? { parameters: params } : {}),
    ...(route.body
      ? { requestBody: { required: true, content: { [route.bodyMedia ?? 'application/json']: { schema: jsonSchema(route.body, 'input') } } } }
      : {}),
    responses,
    ...(route.secured === false ? { security: [] } : {}),
  };
}

/** The OpenAPI 3.1 document of one shim. */
export function openApiDocument(doc: ShimDoc): Json {
  const errorSchemas = new Map(Object.entries(doc.errors).map(([status, schema]) => [Number(status), schema]));
  const paths: Record<string, Json> = {};
  for (const route of doc.routes) {
    paths[openApiPath(route.path)] ??= {};
    const item = paths[openApiPath(route.path)];
    for (const method of [route.method].flat()) {
      if (item[method]) throw new Error(`${doc.title}: ${method} ${route.path} is described twice`);
      item[method] = operation(doc, route, method, errorSchemas);
    }
  }
  const token =
    doc.auth === 'bearer'
      ? { type: 'http', scheme: 'bearer', description: 'A gateway access token: `Authorization: Bearer <token>`.' }
      : {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description: 'A gateway access token, as Litecord sends it: `Authorization: <token>` (no scheme).',
        };
  return {
    openapi: OPENAPI_VERSION,
    jsonSchemaDialect: DIALECT,
    info: { title: doc.title, version: '1', description: doc.description },
    servers: [{ url: doc.mount }],
    security: [{ token: [] }],
    components: { securitySchemes: { token } },
    paths,
  };
}

/** `GET <mount>/openapi.json`: the document, built on first use, for any caller (no token). */
export function openApiHandler(doc: ShimDoc) {
  let built: Json | undefined;
  return (c: Context) => {
    built ??= openApiDocument(doc);
    return c.json(built);
  };
}

/** The `METHOD /path` keys a document describes (Hono patterns, for comparing with an app's routes). */
export function describedRoutes(doc: ShimDoc): string[] {
  return doc.routes.flatMap((r) => [r.method].flat().map((m) => `${m.toUpperCase()} ${r.path}`));
}
