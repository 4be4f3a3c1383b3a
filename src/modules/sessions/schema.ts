import { RequestCache } from '@pothos/plugin-scope-auth';
import { builder } from '../../graphql/builder.js';
import { actionContext, type GraphQLContext } from '../../graphql/context.js';
import { unauthenticated } from '../../graphql/errors.js';
import { findUserById } from '../users/queries.js';
import { UserRef } from '../users/schema.js';
import { login, refreshSession, revokeSession, type SessionTokens } from './actions.js';

const tokenFields = (name: string) =>
  builder.objectRef<SessionTokens>(name).implement({
    // Only the caller who just proved who they are ever receives this object.
    authScopes: { public: true },
    fields: (t) => ({
      accessToken: t.exposeString('accessToken', { description: 'Short-lived JWT for the Authorization header' }),
      refreshToken: t.exposeString('refreshToken', { description: 'Opaque; trade it for new tokens with refreshToken' }),
      expiresAt: t.field({ type: 'DateTime', description: 'When the access token expires', resolve: (p) => p.expiresAt }),
      user: t.field({
        type: UserRef,
        resolve: async (p, _args, ctx) => (await findUserById(ctx.database.db, p.userId))!,
      }),
    }),
  });

/** The rest of the request acts as the user who just proved who they are (so `user` is readable). */
async function signedIn(ctx: GraphQLContext, tokens: SessionTokens): Promise<SessionTokens> {
  ctx.viewer = await ctx.auth.fromHeader(tokens.accessToken);
  ctx.authError = null;
  // scope-auth caches the request's scopes on first use; they were computed before sign-in.
  RequestCache.clearForContext(ctx);
  return tokens;
}

const LoginPayload = tokenFields('LoginPayload');
const RefreshTokenPayload = tokenFields('RefreshTokenPayload');

const RefreshTokenInput = builder.inputType('RefreshTokenInput', {
  fields: (t) => ({ refreshToken: t.string({ required: true }) }),
});

const LogoutInput = builder.inputType('LogoutInput', {
  fields: (t) => ({
    refreshToken: t.string({ description: 'Ends the session of this refresh token instead of the current one' }),
  }),
});

const LogoutPayload = builder.objectRef<{ loggedOut: boolean }>('LogoutPayload').implement({
  authScopes: { public: true },
  fields: (t) => ({ loggedOut: t.exposeBoolean('loggedOut', { description: 'False when the session had already ended' }) }),
});

builder.mutationFields((t) => ({
  login: t.field({
    type: LoginPayload,
    description: 'Signs in with a local account. Wrong password and unknown user are the same UNAUTHENTICATED error.',
    authScopes: { public: true },
    args: { username: t.arg.string({ required: true }), password: t.arg.string({ required: true }) },
    resolve: async (_root, args, ctx) =>
      signedIn(ctx, await login(actionContext(ctx), ctx.tokens, args.username, args.password, { ip: ctx.ip, userAgent: ctx.userAgent }, ctx.config.jwt.refreshTtlSeconds)),
  }),
  refreshToken: t.field({
    type: RefreshTokenPayload,
    description: 'Trades a refresh token for new tokens; the old refresh token stops working.',
    authScopes: { public: true },
    args: { input: t.arg({ type: RefreshTokenInput, required: true }) },
    resolve: async (_root, { input }, ctx) => signedIn(ctx, await refreshSession(actionContext(ctx), ctx.tokens, input.refreshToken)),
  }),
  logout: t.field({
    type: LogoutPayload,
    description: "Ends the caller's session (or the session of the given refresh token).",
    authScopes: { public: true },
    args: { input: t.arg({ type: LogoutInput }) },
    resolve: async (_root, { input }, ctx) => {
      const sessionId = input?.refreshToken ? input.refreshToken.split('.')[0] : ctx.viewer?.sessionId;
      if (!sessionId) throw unauthenticated();
      if (input?.refreshToken) {
        // Knowing the refresh token proves ownership of the session.
        await refreshSession(actionContext(ctx), ctx.tokens, input.refreshToken).catch(() => {
          throw unauthenticated('Invalid refresh token');
        });
      }
      return { loggedOut: await revokeSession(actionContext(ctx), sessionId, 'logout') };
    },
  }),
}));
