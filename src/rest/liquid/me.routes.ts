import { Hono } from 'hono';
import { run, type ShimDeps } from '../shim.js';
import { liquidError, liquidNotFound } from './errors.js';
import { LIQUID_USER_FIELDS, ok, presentUser, type LiquidUserSource } from './present.js';

const ME = `query LiquidMe { viewer { ${LIQUID_USER_FIELDS} } }`;
// logout's input is optional (without it: the caller's own session), so not mutationDocument's `$input: LogoutInput!`.
const LOGOUT = 'mutation LiquidLogout { logout { loggedOut } }';

/** Liquid's own-account routes under /user that Nitrogen calls: who am I, and sign out. */
export function liquidMeRoutes(deps: ShimDeps) {
  const app = new Hono();

  app.get('/me', async (c) => {
    const ctx = await deps.contextFor(c);
    const data = await run<{ viewer: LiquidUserSource }>(ctx, ME);
    return ok(c, { user: presentUser(data.viewer, ctx.config.subscriptions.baseTier) });
  });

  // Ends the caller's session (the token is refused from the next request on, on every instance).
  app.get('/logout', async (c) => {
    const ctx = await deps.contextFor(c);
    await run(ctx, LOGOUT);
    return ok(c);
  });

  app.onError((error, c) => liquidError(c, error));
  app.notFound(liquidNotFound);
  return app;
}
