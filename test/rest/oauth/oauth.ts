import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { TestGateway } from '../../helpers/app.js';

/** Shared by the OAuth tests: requests as clients send them, and counts of what was written. */

export const PASSWORD = 'correct horse battery staple';

export async function answer(res: Response): Promise<{ status: number; body: any; headers: Headers }> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {}
  return { status: res.status, body, headers: res.headers };
}

/** POST a form (RFC 6749's encoding), optionally from a client address and with HTTP basic credentials. */
export function postForm(gw: TestGateway, path: string, params: Record<string, string>, opts: { basic?: [string, string]; ip?: string; cookie?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (opts.basic) headers.authorization = `Basic ${Buffer.from(`${opts.basic[0]}:${opts.basic[1]}`).toString('base64')}`;
  if (opts.cookie) headers.cookie = opts.cookie;
  const request = new Request(`http://gateway.test${path}`, { method: 'POST', headers, body: new URLSearchParams(params).toString() });
  return Promise.resolve(gw.app.fetch(request, opts.ip ? { incoming: { socket: { remoteAddress: opts.ip } } } : undefined)).then(answer);
}

export function postJson(gw: TestGateway, path: string, body: unknown, headers: Record<string, string> = {}) {
  return gw.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }).then(answer);
}

export const count = async (gw: TestGateway, table: string) =>
  Number((await gw.database.rows<{ n: number }>(sql.raw(`select count(*)::int as n from ${table}`)))[0].n);

/** Rows a refused request must not have written. */
export const written = async (gw: TestGateway) => ({
  sessions: await count(gw, 'sessions'),
  codes: await count(gw, 'oauth_authorization_codes'),
  applications: await count(gw, 'applications'),
  audit: await count(gw, 'audit_log'),
});

export function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The caller's name, or the error code GraphQL answers for the token. */
export async function whoAmI(gw: TestGateway, token: string): Promise<string> {
  const res = await gw.gql('{ viewer { username } }', {}, token);
  return res.body.data?.viewer?.username ?? res.body.errors?.[0]?.extensions?.code;
}

/** The session behind a token, as GraphQL lists it. */
export async function sessionRow(gw: TestGateway, userId: bigint) {
  return gw.database.rows<{ id: string; via: string; application_id: string | null; token_scopes: string[] | null; revoked_at: Date | null; expires_at: Date }>(
    sql`select id, via, application_id::text, token_scopes, revoked_at, expires_at from sessions where user_id = ${userId} order by created_at`,
  );
}

/** GET /oauth/authorize: the page, its form token and the cookie it binds to. */
export async function openAuthorize(gw: TestGateway, query: Record<string, string>) {
  const res = await gw.request(`/oauth/authorize?${new URLSearchParams(query)}`);
  const html = await res.text();
  const cookie = /gw_oauth_form=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
  return {
    status: res.status,
    html,
    headers: res.headers,
    location: res.headers.get('location'),
    cookie: cookie ? `gw_oauth_form=${cookie}` : undefined,
    formToken: /name="form_token" value="([^"]+)"/.exec(html)?.[1],
  };
}

/** POST a sign-in or consent form back; answers the page or the redirect. */
export async function submitForm(gw: TestGateway, cookie: string | undefined, fields: Record<string, string>) {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) };
  const res = await gw.request('/oauth/authorize', { method: 'POST', headers, body: new URLSearchParams(fields).toString() });
  const html = await res.text();
  return { status: res.status, html, location: res.headers.get('location'), formToken: /name="form_token" value="([^"]+)"/.exec(html)?.[1] };
}
