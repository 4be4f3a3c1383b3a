import type { Env, Hono } from 'hono';

/** The CSP of the gateway's small script pages: their own script only, calls to the gateway only. */
const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

/**
 * Serves a plain page (`html` at `pagePath`) and its one script (`script` at `scriptPath`), with
 * the strict CSP and nosniff every such page gets; `headers` adds the page's own (e.g. no-store).
 */
export function servePage<E extends Env>(
  app: Hono<E>,
  page: { pagePath: string; html: string; scriptPath: string; script: string; headers?: Record<string, string> },
): void {
  app.get(page.pagePath, (c) => c.html(page.html, 200, { 'content-security-policy': PAGE_CSP, 'x-content-type-options': 'nosniff', ...page.headers }));
  app.get(page.scriptPath, (c) => c.body(page.script, 200, { 'content-type': 'text/javascript; charset=utf-8', 'x-content-type-options': 'nosniff' }));
}
