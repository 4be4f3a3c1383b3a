import type { Hono } from 'hono';
import { z } from 'zod';
import { readJson, run, type ShimDeps } from '../shim.js';
import { shimSignIn } from '../sign-in.js';
import { cookieError, envelope, withSlash } from './errors.js';
import { COOKIE_DETAIL_FIELDS, presentUser, type CookieUserSource } from './present.js';

const HOME = `query CookieHome { viewer { ${COOKIE_DETAIL_FIELDS} } }`;

const loginBody = z.object({
  username: z.string().min(1, 'required').max(256),
  password: z.string().min(1, 'required').max(1024),
});

/** Where the panels go after signing in (they `router.push(url)`). */
const AFTER_LOGIN = '/home';

/**
 * CookieCMS's own sign-in and the caller's home: POST /api/auth/login `{username, password}` opens
 * a gateway session (shimSignIn: the one password check with its rate limits; a token that lives as
 * long as its session, checked against it on every request) and answers its token as `data.jwt`.
 */
export function registerSignInRoutes(app: Hono, deps: ShimDeps) {
  app.on('POST', withSlash('/auth/login'), async (c) => {
    const body = await readJson(c, loginBody);
    const ctx = await deps.contextFor(c);
    const session = await shimSignIn(ctx, body.username, body.password, 'cookiecms');
    return c.json(envelope('Login successful', { jwt: session.accessToken }, false, AFTER_LOGIN));
  });

  // GET /api/home: the signed-in caller (the panels keep data.Username and data.PermLvl).
  app.on('GET', withSlash('/home'), async (c) => {
    try {
      const ctx = await deps.contextFor(c);
      const data = await run<{ viewer: CookieUserSource }>(ctx, HOME);
      return c.json(envelope('User data fetched successfully', presentUser(data.viewer)));
    } catch (error) {
      return cookieError(c, error, { home: true });
    }
  });
}
