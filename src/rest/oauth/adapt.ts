import OAuth2Server, { InvalidRequestError, OAuthError, ServerError } from '@node-oauth/oauth2-server';
import type { Context } from 'hono';
import { AppError } from '../../core/errors.js';
import { inputProblem } from '../../graphql/input-guard.js';

/**
 * Hono ↔ @node-oauth/oauth2-server. The library reads an Express-like request (headers, method,
 * query, body as an object of strings) and writes status, headers and body into its Response; these
 * helpers build the one and send the other.
 */

export type Params = Record<string, string>;

const MAX_PARAM = 4096;

/** RFC 6749 3.1/3.2: parameters sent twice are an error, every value a string. */
function fromEntries(entries: Iterable<[string, unknown]>): Params {
  const params: Params = Object.create(null);
  for (const [key, value] of entries) {
    if (Object.hasOwn(params, key)) throw new InvalidRequestError(`Invalid request: \`${key}\` is given more than once`);
    if (value === null || value === undefined) continue;
    if (typeof value === 'number' || typeof value === 'boolean') params[key] = String(value);
    else if (typeof value === 'string') params[key] = value;
    else throw new InvalidRequestError(`Invalid request: \`${key}\` must be a string`);
    if (params[key].length > MAX_PARAM) throw new InvalidRequestError(`Invalid request: \`${key}\` is too long`);
  }
  const problem = inputProblem(params);
  if (problem) throw new InvalidRequestError(`Invalid request: ${problem}`);
  return params;
}

/**
 * The body's parameters: form-encoded (RFC 6749) or JSON (Mastodon clients such as admin-fe post
 * JSON to /oauth/token). Anything else, or a body that does not parse, is invalid_request.
 */
export async function readParams(c: Context): Promise<Params> {
  const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
  const text = await c.req.text();
  if (type === 'application/json') {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new InvalidRequestError('Invalid request: the body is not valid JSON');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidRequestError('Invalid request: the body must be a JSON object');
    return fromEntries(Object.entries(body));
  }
  if (type === 'application/x-www-form-urlencoded' || (type === '' && text === '')) return fromEntries(new URLSearchParams(text));
  throw new InvalidRequestError('Invalid request: content must be application/x-www-form-urlencoded or application/json');
}

export const queryParams = (c: Context): Params => fromEntries(new URL(c.req.url).searchParams);

/**
 * The library's request. Whatever the body's format was, it is handed on as the form it was read
 * into (the library insists on the form content type, and type-is needs a length to see a body).
 */
export function libraryRequest(c: Context, body: Params, query: Params = queryParams(c)): OAuth2Server.Request {
  const headers: Record<string, string> = {};
  c.req.raw.headers.forEach((value, key) => {
    headers[key] = value;
  });
  headers['content-type'] = 'application/x-www-form-urlencoded';
  headers['content-length'] = String(Math.max(1, Number(headers['content-length'] ?? 1)));
  delete headers['transfer-encoding'];
  return new OAuth2Server.Request({ method: c.req.method, headers, query, body });
}

/** RFC 6749 5.2: the error as JSON, never cached, with the library's headers (WWW-Authenticate). */
export function oauthErrorResponse(c: Context, error: OAuthError, response?: OAuth2Server.Response): Response {
  const headers: Record<string, string> = { 'cache-control': 'no-store', pragma: 'no-cache' };
  for (const [k, v] of Object.entries(response?.headers ?? {})) if (k !== 'location' && typeof v === 'string') headers[k] = v;
  if (error.code === 429) headers['retry-after'] = '60';
  return c.json({ error: error.name, error_description: error.message }, error.code as 400, headers);
}

/**
 * What a thrown error means at an OAuth endpoint: an OAuth error as it is; the library's ServerError
 * wraps what the model threw, so a known gateway failure (database unavailable) becomes 503 and
 * anything else is rethrown to the app's handler (logged, 500).
 */
export function asOAuthError(error: unknown): OAuthError {
  const inner = error instanceof ServerError ? (error as ServerError & { inner?: unknown }).inner : error;
  if (inner instanceof OAuthError) return inner;
  if (inner instanceof AppError && (inner.code === 'UNAVAILABLE' || inner.code === 'RATE_LIMITED'))
    return new OAuthError(inner.message, { code: inner.code === 'UNAVAILABLE' ? 503 : 429, name: 'temporarily_unavailable' });
  if (inner instanceof AppError && inner.code === 'BAD_INPUT') return new InvalidRequestError(`Invalid request: ${inner.message}`);
  throw inner ?? error;
}
