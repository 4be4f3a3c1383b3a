import { Hono } from 'hono';
import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import { shimSignIn } from '../sign-in.js';
import { readJson, ShimError, type ShimDeps } from '../shim.js';
import { litecordError } from './errors.js';

// Discord clients send more keys with a login (undelete, captcha_key, login_source...): ignored.
// API v9 clients name the email `login`; Litecord reads either.
const loginBody = z
  .object({
    email: z.string().min(1).max(320).optional(),
    login: z.string().min(1).max(320).optional(),
    password: z.string().min(1).max(1024),
  })
  .refine((b) => b.email !== undefined || b.login !== undefined, { message: 'email is required', path: ['email'] });

/**
 * Litecord's `POST /api/v6/auth/login {email, password}` → `{token, user_id}`: the token is sent
 * back as `Authorization: <token>`. It is a gateway session (LEGACY_TOKEN_TTL): listed by `sessions`,
 * ended by `revokeSession`, under the same sign-in limits as every password check.
 */
export function litecordAuthRoutes(deps: ShimDeps) {
  const app = new Hono();

  app.post('/login', async (c) => {
    const ctx = await deps.contextFor(c);
    const body = await readJson(c, loginBody);
    try {
      const session = await shimSignIn(ctx, (body.email ?? body.login)!, body.password, 'litecord', { by: 'email' });
      return c.json({ token: session.accessToken, user_id: session.userId.toString() });
    } catch (error) {
      // One answer for an unknown email and a wrong password (Litecord tells them apart; we do not).
      if (error instanceof AppError && error.code === 'UNAUTHENTICATED') {
        throw new ShimError('UNAUTHENTICATED', 'Invalid login or password');
      }
      throw error;
    }
  });

  app.onError((error, c) => litecordError(c, error));
  return app;
}
