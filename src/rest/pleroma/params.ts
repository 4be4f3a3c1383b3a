import type { Context } from 'hono';
import type { z } from 'zod';
import { inputProblem, MAX_JSON_DEPTH } from '../../graphql/input-guard.js';
import { ShimError } from '../shim.js';

/**
 * Phoenix hands a controller ONE map of parameters: the query string, then the body (JSON or
 * form-encoded) over it, then the path parameters over both (path wins over body, body over query).
 * Pleroma's clients rely on it (admin-fe sends `email_invite`'s parameters in the query string and
 * the others in JSON bodies), so every route of this shim reads its parameters through `params`.
 * Query and form keys decode as Plug does: `a[]=x&a[]=y` is a list, `a[b]=x` a nested map, a repeated
 * plain key keeps its last value.
 */

type Params = { [key: string]: unknown };

/** Keys that would reach an object's prototype; Plug has no such thing, so they are dropped. */
const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);

/** `a[b][]` → ['a', 'b', '']; a key without brackets is itself. */
function keyPath(key: string): string[] {
  const open = key.indexOf('[');
  if (open <= 0 || !key.endsWith(']')) return [key];
  return [key.slice(0, open), ...key.slice(open + 1, -1).split('][')];
}

/** Decodes `application/x-www-form-urlencoded` pairs (query strings and form bodies) into nested params, as Plug.Conn.Query does. */
export function decodePairs(pairs: Iterable<[string, string]>): Params {
  const root: Params = {};
  for (const [key, value] of pairs) {
    const path = keyPath(key);
    if (path.some((p) => UNSAFE.has(p))) continue;
    let node: Params = root;
    for (let i = 0; i < path.length; i++) {
      const part = path[i];
      const last = i === path.length - 1;
      const next = path[i + 1];
      if (last) {
        node[part] = value;
      } else if (next === '' && i + 1 === path.length - 1) {
        // `a[]=x`: append to a list (a plain value in the way is replaced, as Plug does).
        const list = Array.isArray(node[part]) ? (node[part] as unknown[]) : [];
        list.push(value);
        node[part] = list;
        break;
      } else {
        const child = node[part];
        node[part] = child !== null && typeof child === 'object' && !Array.isArray(child) ? child : {};
        node = node[part] as Params;
      }
    }
  }
  return root;
}

async function bodyParams(c: Context): Promise<Params> {
  const type = c.req.header('content-type')?.toLowerCase() ?? '';
  const text = await c.req.text();
  if (!text.trim()) return {};
  if (type.includes('application/x-www-form-urlencoded')) return decodePairs(new URLSearchParams(text));
  // JSON is what Pleroma's clients send (admin-fe: application/json;charset=utf-8); a body of any
  // other type is read as JSON too, so a client that forgets the header is still understood.
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ShimError('BAD_INPUT', 'Request body is not valid JSON');
  }
  // Phoenix puts a JSON body that is not an object under "_json"; no route of this API reads one.
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new ShimError('BAD_INPUT', 'The JSON body must be an object');
  return body as Params;
}

/** Query, body and path parameters merged (path over body over query), checked as /graphql checks variables. */
export async function mergedParams(c: Context): Promise<Params> {
  const query = decodePairs(new URL(c.req.url).searchParams);
  const body = await bodyParams(c);
  const path = c.req.param() as Record<string, string>;
  const merged: Params = { ...query };
  for (const [key, value] of [...Object.entries(body), ...Object.entries(path)]) if (!UNSAFE.has(key)) merged[key] = value;
  const problem = inputProblem(merged, MAX_JSON_DEPTH + 1);
  if (problem) throw new ShimError('BAD_INPUT', problem);
  return merged;
}

/** The route's parameters (see above) validated by `schema`; a failure is BAD_INPUT naming each field. */
export async function params<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  return checked(schema, await mergedParams(c));
}

/** `value` validated by `schema`; a failure is BAD_INPUT naming each field (`users.0.email: …`). */
export function checked<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message }));
  throw new ShimError('BAD_INPUT', fields.map((f) => (f.path.length ? `${f.path.join('.')}: ${f.message}` : f.message)).join('; '), fields);
}
