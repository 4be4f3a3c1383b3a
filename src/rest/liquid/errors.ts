import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import type { FieldProblem } from '../../core/errors.js';
import { asShimError, readJson, readQuery, ShimError } from '../shim.js';

/**
 * Liquid's error body (its src/utils/response.ts ErrorResponse): `{"ok": 0, "error": "<PascalCode>",
 * "additionalInfo": {...}}`, no top-level message. Validation problems are express-validator 7 items
 * in `additionalInfo.errors`; the gateway's own wording is kept in `additionalInfo.message`.
 */
const CODES: Record<string, [ContentfulStatusCode, string]> = {
  UNAUTHENTICATED: [401, 'Unauthorized'],
  // Liquid answers a missing scope with 401 InsufficientPrivileges (ScopeManager), not 403.
  FORBIDDEN: [401, 'InsufficientPrivileges'],
  NOT_FOUND: [404, 'NotFound'],
  BAD_INPUT: [400, 'ClientInputError'],
  CONFLICT: [409, 'ResourceConflict'],
  RATE_LIMITED: [429, 'RateLimitError'],
  UNAVAILABLE: [503, 'ServiceUnavailable'],
};

/** An answer a route chose itself (e.g. create's `existingUsers`), rendered as is. */
export class LiquidError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    readonly additionalInfo: Record<string, unknown>,
  ) {
    super(code);
  }
}

/** express-validator 7's ValidationError of a field, plus `param` (its v6 name, which Nitrogen's toasts read). */
export interface LiquidFieldError {
  type: 'field';
  value: unknown;
  msg: string;
  path: string;
  location: 'body' | 'query';
  param: string;
}

/** The request's body or query as sent, kept so an error can answer the value at a path. */
const sent = new WeakMap<Request, { location: 'body' | 'query'; value: unknown }>();

/** Gateway field names (in GraphQL error paths) back to Liquid's. */
const LIQUID_NAMES: Record<string, string> = {
  countryCode: 'country',
  clientId: 'id',
  scopes: 'scope',
  userId: 'target',
  expiresAt: 'expiry',
  active: 'state',
};

/**
 * A gateway path (an action's input path, or a zod path of the Liquid body) as express-validator
 * writes it: `email`, `[1].username`, `targets[0]`. `input` and a batch's `users.<n>` /
 * `applications.<n>` prefix go; the index stays when the body was an array.
 */
function liquidSegments(path: readonly string[], bodyIsArray: boolean): string[] {
  let rest = path[0] === 'input' ? path.slice(1) : [...path];
  if ((rest[0] === 'users' || rest[0] === 'applications') && /^\d+$/.test(rest[1] ?? '')) rest = bodyIsArray ? rest.slice(1) : rest.slice(2);
  // An update's `id` is the Liquid body's `target`.
  if (rest.length === 1 && rest[0] === 'id' && !bodyIsArray) return ['target'];
  return rest.map((s) => LIQUID_NAMES[s] ?? s);
}

const written = (segments: string[]) => segments.map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');

function valueAt(value: unknown, segments: string[]): unknown {
  let at = value;
  for (const s of segments) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[s];
  }
  return at;
}

/** The express-validator items for field problems, with the value sent at each path. */
export function fieldErrors(request: Request, fields: readonly FieldProblem[]): LiquidFieldError[] {
  const input = sent.get(request);
  const location = input?.location ?? 'body';
  return fields.map((f) => {
    const segments = liquidSegments(f.path, Array.isArray(input?.value));
    const path = written(segments);
    return { type: 'field', value: valueAt(input?.value, segments), msg: f.message, path, location, param: path };
  });
}

function invalid(issues: z.core.$ZodIssue[]): ShimError {
  const fields = issues.map((i) => ({ path: i.path.map(String), message: i.message }));
  return new ShimError('BAD_INPUT', fields.map((f) => (f.path.length ? `${f.path.join('.')}: ${f.message}` : f.message)).join('; '), fields);
}

/** `value` (already read with readBody or readParams) validated by `schema`, failing as they do. */
export function checked<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalid(parsed.error.issues);
  return parsed.data;
}

/** A JSON body validated by `schema`, kept for the values of any later error (malformed JSON, NUL, depth: BAD_INPUT). */
export async function readBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const body = await readJson(c, z.unknown());
  sent.set(c.req.raw, { location: 'body', value: body });
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw invalid(parsed.error.issues);
  return parsed.data;
}

/** The query string validated by `schema` (NUL: BAD_INPUT), kept like readBody's. */
export function readParams<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  const query = readQuery(c, z.record(z.string(), z.string()));
  sent.set(c.req.raw, { location: 'query', value: query });
  const parsed = schema.safeParse(query);
  if (!parsed.success) throw invalid(parsed.error.issues);
  return parsed.data;
}

/** Renders a failure in Liquid's envelope; anything unexpected goes on to the app's handler (logged, masked). */
export function liquidError(c: Context, thrown: unknown) {
  if (thrown instanceof LiquidError) return c.json({ ok: 0, error: thrown.code, additionalInfo: thrown.additionalInfo }, thrown.status);
  const error = asShimError(thrown);
  if (!error) throw thrown;
  const [status, code] = CODES[error.code] ?? [500, 'InternalServerError'];
  const errors = error.fields.length ? { errors: fieldErrors(c.req.raw, error.fields) } : {};
  return c.json({ ok: 0, error: code, additionalInfo: { message: error.message, ...errors } }, status);
}

/** Liquid's answer to a path it does not serve. */
export const liquidNotFound = (c: Context) => c.json({ ok: 0, error: 'NotFound', additionalInfo: { message: 'No such route' } }, 404);
