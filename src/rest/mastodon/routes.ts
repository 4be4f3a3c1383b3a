import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { viewerMay } from '../../access/caller.js';
import { AppError } from '../../core/errors.js';
import { decodeId } from '../../graphql/ids.js';
import { registerApplication } from '../../modules/applications/registration.js';
import { groupsOf, type PleromaUserSource } from '../pleroma/present.js';
import { run, ShimError, type ShimDeps } from '../shim.js';
import { readParams } from '../oauth/adapt.js';
import { signInContext } from '../oauth/server.js';
import { ASSET_PATH } from '../oauth/pages.js';

/**
 * Mastodon's sign-in routes as Pleroma serves them, for admin-fe: app registration and
 * verify_credentials (the token itself comes from /oauth/token, password grant). Errors are
 * Mastodon's `{error}` bodies.
 */

/** Mastodon takes redirect_uris as one string (several separated by newlines) or, since 4.3, an array. */
const appsBody = z.object({
  client_name: z.string({ message: "client_name can't be blank" }).trim().min(1, "client_name can't be blank").max(200),
  redirect_uris: z.union([z.string().max(20_000), z.array(z.string().max(2048)).max(20)], { message: "redirect_uris can't be blank" }),
  scopes: z.string().max(2000).optional(),
  website: z.string().max(2048).optional(),
});

const VIEWER = `query MastodonAccount { viewer { id username domain displayName bio createdAt status tags roles { name } } }`;

interface ViewerSource extends PleromaUserSource {
  displayName: string | null;
  bio: string | null;
  createdAt: string;
}

const mastodonError = (c: Context, status: 401 | 403 | 422 | 429 | 503, error: string) => c.json({ error }, status);

export function mastodonRoutes(deps: ShimDeps, publicUrl: string) {
  const app = new Hono();

  app.post('/apps', async (c) => {
    let raw: Record<string, string>;
    try {
      raw = await readParams(c);
    } catch {
      return mastodonError(c, 422, 'Validation failed: the body must be JSON or form-encoded');
    }
    const parsed = appsBody.safeParse(raw);
    if (!parsed.success) return mastodonError(c, 422, `Validation failed: ${parsed.error.issues[0].message}`);
    const b = parsed.data;
    const redirectUris = (Array.isArray(b.redirect_uris) ? b.redirect_uris : b.redirect_uris.split(/\s+/)).filter(Boolean);
    const ctx = await deps.contextFor(c);
    try {
      const { application, clientSecret } = await registerApplication(
        signInContext(ctx),
        { clientName: b.client_name, redirectUris, scopes: b.scopes ? b.scopes.split(/\s+/).filter(Boolean) : undefined, website: b.website || null },
        ctx.ip,
      );
      return c.json({
        id: application.id.toString(),
        name: application.displayName,
        website: b.website || null,
        redirect_uri: application.redirectUris.join('\n'),
        redirect_uris: application.redirectUris,
        scopes: application.oauthScopes,
        client_id: application.clientId,
        client_secret: clientSecret,
        vapid_key: null,
      });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      if (error.code === 'RATE_LIMITED') return mastodonError(c, 429, 'Too many requests');
      if (error.code === 'UNAVAILABLE') return mastodonError(c, 503, error.message);
      if (error.code === 'BAD_INPUT')
        return mastodonError(c, 422, `Validation failed: ${error.fields[0]?.path.join('.') ?? ''} ${error.fields[0]?.message ?? error.message}`.trim());
      throw error;
    }
  });

  app.get('/accounts/verify_credentials', async (c) => {
    const ctx = await deps.contextFor(c);
    if (!ctx.viewer) return mastodonError(c, 401, 'The access token is invalid');
    if (!viewerMay(ctx.viewer, 'read')) return mastodonError(c, 403, 'This action is outside the authorized scopes');
    let user: ViewerSource;
    try {
      user = (await run<{ viewer: ViewerSource }>(ctx, VIEWER)).viewer;
    } catch (error) {
      if (error instanceof ShimError && error.code === 'UNAUTHENTICATED') return mastodonError(c, 401, 'The access token is invalid');
      throw error;
    }
    const groups = groupsOf(user);
    const avatar = `${publicUrl}${ASSET_PATH}/avatar.svg`;
    const acct = user.domain ? `${user.username}@${user.domain}` : user.username;
    return c.json({
      id: decodeId(user.id, 'User').toString(),
      username: user.username,
      acct,
      display_name: user.displayName ?? user.username,
      note: user.bio ?? '',
      locked: false,
      bot: false,
      created_at: user.createdAt,
      url: `${publicUrl}/users/${encodeURIComponent(user.username)}`,
      avatar,
      avatar_static: avatar,
      header: '',
      header_static: '',
      followers_count: 0,
      following_count: 0,
      statuses_count: 0,
      emojis: [],
      fields: [],
      source: { note: user.bio ?? '', fields: [], privacy: 'public', sensitive: false },
      pleroma: { is_admin: groups.is_admin, is_moderator: groups.is_moderator, tags: user.tags, deactivated: user.status !== 'ACTIVE' },
    });
  });

  return app;
}
