import { RequestCache } from '@pothos/plugin-scope-auth';
import { builder } from '../../graphql/builder.js';
import { actionContext, type GraphQLContext } from '../../graphql/context.js';
import { isUuid } from '../../access/caller.js';
import { payload } from '../../graphql/error-types.js';
import { BadInputError, unauthenticated } from '../../core/errors.js';
import { decodeGlobalID } from '@pothos/plugin-relay';
import { findSessionPage, findSessionsByIds, sessionFilterTable, sessionList, type SessionRow } from './queries.js';
import { filterInput, listWants, orderByEnum, countField } from '../../graphql/lists.js';
import { refKey } from '../../db/filter.js';
import { loadUser } from '../users/loader.js';
import { findUserById } from '../users/queries.js';
import { UserRef } from '../users/schema.js';
import { login, refreshSession, revokeAllSessions, revokeSession, type SessionTokens } from './actions.js';

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
      signedIn(
        ctx,
        await login(actionContext(ctx), ctx.tokens, args.username, args.password, { ip: ctx.ip, userAgent: ctx.userAgent }, ctx.config.jwt.refreshTtlSeconds),
      ),
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

// ---- listing and ending sessions ----

const SessionRef = builder.node(builder.objectRef<SessionRow>('Session'), {
  description: 'One sign-in: every login and refresh belongs to a session.',
  // Readable by whoever could list it: the owner, or a holder of admin:sessions:read.
  authScopes: (session) => ({ scope: 'admin:sessions:read', self: session.userId.toString() }),
  id: { resolve: (s) => s.id, parse: sessionUuid },
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'lastSeenAt' in value && 'userId' in value,
  loadMany: async (ids, ctx) => {
    const found = await findSessionsByIds(ctx.database.db, ids);
    return ids.map((id) => found.get(id) ?? null);
  },
  fields: (t) => ({
    key: t.exposeString('id', { description: 'The session UUID (in tokens, and what revokeSession took before it took the global ID)' }),
    user: t.field({
      type: UserRef,
      description: 'Whose session it is (the users of a page load in one statement)',
      resolve: async (s, _args, ctx) => (await loadUser(ctx, s.userId))!,
    }),
    createdAt: t.field({ type: 'DateTime', resolve: (s) => s.createdAt }),
    lastSeenAt: t.field({ type: 'DateTime', description: 'Last login or refresh', resolve: (s) => s.lastSeenAt }),
    expiresAt: t.field({ type: 'DateTime', resolve: (s) => s.expiresAt }),
    revokedAt: t.field({ type: 'DateTime', nullable: true, resolve: (s) => s.revokedAt }),
    active: t.boolean({ resolve: (s) => s.revokedAt === null && s.expiresAt > new Date() }),
    userAgent: t.exposeString('userAgent', { nullable: true }),
    ip: t.exposeString('ip', { nullable: true }),
    via: t.exposeString('via', {
      description: 'The sign-in flow that opened it: graphql, oauth, cli, or a legacy API (pleroma, liquid, cookiecms, litecord)',
    }),
    tokenScopes: t.exposeStringList('tokenScopes', {
      nullable: true,
      description: 'OAuth scopes narrowing its tokens (read: reads only, write: writes only); null when not narrowed',
    }),
  }),
});

/** `id.parse` of Session: its key is a UUID (node(id) with anything else is BAD_INPUT at `id`). */
function sessionUuid(id: string): string {
  if (!isUuid(id)) throw new BadInputError('id: not a Session ID', [{ path: ['id'], message: 'not a Session ID' }]);
  return id;
}

/** A session's UUID from its global ID or (as before) the UUID itself; null when it is neither. */
function sessionKey(id: string): string | null {
  if (isUuid(id)) return id;
  try {
    const decoded = decodeGlobalID(id);
    return decoded.typename === 'Session' && isUuid(decoded.id) ? decoded.id : null;
  } catch {
    return null;
  }
}

const SessionFilter = filterInput('SessionFilter', sessionFilterTable, { inputs: { ip: 'String' } });
const SessionOrderEnum = orderByEnum('SessionOrderBy', sessionList);

builder.queryField('sessions', (t) =>
  t.connection(
    {
      type: SessionRef,
      description:
        "Sessions, newest first unless ordered otherwise: a user's (your own, or anyone's with admin:sessions:read), or everyone's with admin:sessions:read.",
      authScopes: (_root, args) =>
        args.userId ? { scope: 'admin:sessions:read', self: refKey(args.userId, 'User', ['userId']).toString() } : { scope: 'admin:sessions:read' },
      args: {
        userId: t.arg.globalID({ for: UserRef, description: "Only this user's sessions" }),
        active: t.arg.boolean({ description: 'true: live ones only; false: ended ones only (as filter.active)' }),
        filter: t.arg({ type: SessionFilter }),
        orderBy: t.arg({ type: SessionOrderEnum, defaultValue: 'CREATED_AT_DESC' }),
      },
      resolve: (_root, { userId, active, filter, ...args }, ctx, info) => {
        // `active` is filter.active; given both, both must hold (paths inside the filter stay as sent).
        const where = active == null ? filter : filter?.active == null ? { ...filter, active } : { ...filter, and: [...(filter.and ?? []), { active }] };
        return findSessionPage(ctx.database.db, userId ? refKey(userId, 'User', ['userId']) : null, { ...args, filter: where }, listWants(info));
      },
    },
    {
      name: 'SessionConnection',
      fields: (t) => ({
        totalCount: t.int({ description: 'Sessions matching userId and the filter (every page)', resolve: (c) => c.totalCount ?? 0 }),
        count: countField(t),
      }),
    },
    { name: 'SessionEdge' },
  ),
);

const RevokeSessionInput = builder.inputType('RevokeSessionInput', {
  // Not t.globalID: it also takes the bare UUID (Session.key), as it did before Session was a node;
  // sessionKey decodes either and refuses anything else as BAD_INPUT at input.id.
  fields: (t) => ({ id: t.string({ required: true, description: 'The Session global ID (or its UUID, Session.key)' }), reason: t.string() }),
});
const RevokeAllSessionsInput = builder.inputType('RevokeAllSessionsInput', {
  fields: (t) => ({ userId: t.globalID({ for: UserRef, required: true }), reason: t.string() }),
});
const RevokedSessions = builder.objectRef<{ revokedCount: number }>('RevokedSessions').implement({
  authScopes: { public: true },
  fields: (t) => ({ revokedCount: t.exposeInt('revokedCount', { description: 'Sessions that were live and are now ended' }) }),
});

builder.mutationFields((t) => ({
  revokeSession: t.field({
    type: RevokedSessions,
    description: 'Ends one session; its access token is refused on the very next request, on every instance.',
    authScopes: { authenticated: true },
    errors: payload('RevokeSession', 'result'),
    args: { input: t.arg({ type: RevokeSessionInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const key = sessionKey(input.id);
      if (!key) throw new BadInputError('input.id: not a session id', [{ path: ['input', 'id'], message: 'not a session id' }]);
      return { revokedCount: (await revokeSession(actionContext(ctx), key, input.reason ?? 'revoked')) ? 1 : 0 };
    },
  }),
  revokeAllSessions: t.field({
    type: RevokedSessions,
    description: 'Ends every session of a user (yours, or anyone ranked below you with admin:sessions:write).',
    authScopes: { authenticated: true },
    errors: payload('RevokeAllSessions', 'result'),
    args: { input: t.arg({ type: RevokeAllSessionsInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      return { revokedCount: await revokeAllSessions(actionContext(ctx), input.userId.id, input.reason ?? 'revoked') };
    },
  }),
}));
