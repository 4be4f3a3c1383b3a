import { Hono } from 'hono';
import { z } from 'zod';
import { mutationDocument, readJson, readQuery, run, type ShimDeps } from '../shim.js';
import { cookieError, envelope, withSlash } from './errors.js';
import { COOKIE_AUDIT_FIELDS, presentAudit, type CookieAuditSource } from './present.js';
import { registerCapeRoutes } from './capes.routes.js';
import { registerSignInRoutes } from './sign-in.routes.js';
import { registerSkinRoutes } from './skins.routes.js';
import { registerUserRoutes } from './users.routes.js';

const AUDIT = `query CookieAudit($first: Int!) { auditLog(first: $first) { edges { node { ${COOKIE_AUDIT_FIELDS} } } } }`;
const METRICS = 'query CookieMetrics($days: Int!) { userRegistrations(days: $days) { date registrations } }';
const MAIL_ALL = mutationDocument('mailAllUsers', 'job { id total }');

// The newest `limit` rows (the panels filter and page them client-side).
export const auditQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(100) });
// The panels chart the last 14 to 30 days of what they get.
export const metricsQuery = z.object({ days: z.coerce.number().int().min(1).max(366).default(30) });
export const mailBody = z.strictObject({ subject: z.string(), message: z.string() });

/**
 * CookieCMS under /api: sign-in (/auth/login), the caller's home (/home), and /admin: users, one
 * user, its edits, temporary role levels, skins, capes, mail to all users, audit, metrics. Every path also answers
 * with a trailing slash.
 */
export function cookieRoutes(deps: ShimDeps) {
  const app = new Hono();
  registerSignInRoutes(app, deps);
  registerUserRoutes(app, deps);
  registerSkinRoutes(app, deps);
  registerCapeRoutes(app, deps);

  app.on('POST', withSlash('/admin/mail'), async (c) => {
    const ctx = await deps.contextFor(c);
    const body = await readJson(c, mailBody);
    const data = await run<{ mailAllUsers: { job: { id: string; total: number } } }>(ctx, MAIL_ALL, { input: body });
    // The mail goes out through the outbox; the job id lets an admin UI follow it (mailJob).
    return c.json(envelope('Email sent successfully to all users', { job: data.mailAllUsers.job.id, recipients: data.mailAllUsers.job.total }));
  });

  app.on('GET', withSlash('/admin/audit'), async (c) => {
    const ctx = await deps.contextFor(c);
    const q = readQuery(c, auditQuery);
    const data = await run<{ auditLog: { edges: { node: CookieAuditSource }[] } }>(ctx, AUDIT, { first: q.limit });
    return c.json(
      envelope(
        'Audit fetched successfully',
        data.auditLog.edges.map((e) => presentAudit(e.node)),
      ),
    );
  });

  // Registrations per UTC day (users.created_at), oldest first, days without any as 0.
  app.on('GET', withSlash('/admin/metrics'), async (c) => {
    const ctx = await deps.contextFor(c);
    const q = readQuery(c, metricsQuery);
    const data = await run<{ userRegistrations: { date: string; registrations: number }[] }>(ctx, METRICS, { days: q.days });
    return c.json(envelope('Metrics fetched successfully', { statistics: data.userRegistrations }));
  });

  app.onError((error, c) => cookieError(c, error));
  app.notFound((c) => c.json(envelope('Not found', null, true), 404));
  return app;
}
