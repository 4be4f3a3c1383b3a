import { sql } from 'drizzle-orm';
import { encodeId } from '../../src/graphql/ids.js';
import { createApplication } from '../../src/modules/applications/actions.js';
import type { GRANTS } from '../../src/modules/applications/validation.js';
import type { ActionContext } from '../../src/modules/context.js';
import { createGuild } from '../../src/modules/guilds/actions.js';
import type { GUILD_FEATURES } from '../../src/modules/guilds/table.js';
import { followUser } from '../../src/modules/follows/actions.js';
import { createInvite } from '../../src/modules/invites/actions.js';
import { putMedia } from '../../src/modules/media/actions.js';
import { prepareImage } from '../../src/modules/media/pipeline.js';
import type { MediaInfo } from '../../src/modules/media/queries.js';
import type { MediaPurpose } from '../../src/modules/media/validation.js';
import { mailAllUsers } from '../../src/modules/mail/actions.js';
import { createPasswordResetToken } from '../../src/modules/password-resets/actions.js';
import { assignRole, createRole } from '../../src/modules/roles/actions.js';
import { openSession, type SessionVia } from '../../src/modules/sessions/actions.js';
import { setSubscription } from '../../src/modules/subscriptions/actions.js';
import { createUser } from '../../src/modules/users/actions.js';
import { createVoiceRegion } from '../../src/modules/voice/actions.js';
import { createWebhookEndpoint } from '../../src/modules/webhooks/actions.js';
import { webhookEnvOf } from '../../src/modules/webhooks/env.js';
import type { TestGateway } from './app.js';

/**
 * One factory per entity. Each goes through the module's own action (src/modules/<noun>/actions.ts),
 * so rows, audit entries and mail are exactly what the gateway writes, never raw inserts. Every
 * factory has defaults for all it needs and takes overrides; `by` is the acting user (the system,
 * which may do anything, when omitted). They answer the bigint key and, where the API uses one,
 * the Relay global id (`gid`).
 */

/** Who acts: the system (null) or a user id. */
export type By = bigint | null;

let counter = 0;
/** A name no other factory call in this test file answers. */
export const unique = (prefix: string) => `${prefix}${++counter}_${Math.random().toString(36).slice(2, 7)}`;

/** The gateway's action context acting as `by`. */
export const actingAs = (gw: TestGateway, by: By = null, requestId = 'test'): ActionContext => ({
  ...gw.system,
  actor: { actorId: by, requestId },
});

export interface MadeSession {
  /** The session's id (a UUID: sessions have no bigint key). */
  sessionId: string;
  gid: string;
  token: string;
  refreshToken: string;
  userId: bigint;
}

/** A signed-in session of a user (openSession, as a password login does). */
export async function makeSession(
  gw: TestGateway,
  userId: bigint,
  opts: {
    ip?: string | null;
    userAgent?: string | null;
    refreshTtlSeconds?: number;
    ttlSeconds?: number;
    action?: string;
    by?: By;
    /** OAuth scopes narrowing the session's tokens, and the flow that opened it. */
    tokenScopes?: string[];
    via?: SessionVia;
  } = {},
): Promise<MadeSession> {
  const s = await openSession(
    actingAs(gw, opts.by ?? null),
    gw.app.tokens,
    userId,
    { ip: opts.ip === undefined ? '127.0.0.1' : opts.ip, userAgent: opts.userAgent === undefined ? 'vitest' : opts.userAgent },
    {
      refreshTtlSeconds: opts.refreshTtlSeconds ?? 3600,
      ttlSeconds: opts.ttlSeconds,
      action: opts.action ?? 'session.login',
      tokenScopes: opts.tokenScopes,
      via: opts.via,
    },
  );
  const sessionId = s.sessionId;
  return { sessionId, gid: encodeId('Session', sessionId), token: s.accessToken, refreshToken: s.refreshToken, userId };
}

export interface MadeUser {
  id: bigint;
  gid: string;
  username: string;
  token: string;
  refreshToken: string;
  sessionId: string;
}

/** A user (no password unless given) with the given roles, signed in with one session (what `gw.user` answers). */
export async function makeUser(
  gw: TestGateway,
  opts: { username?: string; roles?: string[]; password?: string; email?: string; by?: By } = {},
): Promise<MadeUser> {
  const username = opts.username ?? unique('user');
  const created = await createUser(
    actingAs(gw, opts.by ?? null),
    { username, email: opts.email ?? `${username}@example.org`, password: opts.password ?? null },
    { roleNames: opts.roles ?? [] },
  );
  const id = BigInt(created.id);
  const session = await makeSession(gw, id);
  return { id, gid: encodeId('User', id), username, token: session.token, refreshToken: session.refreshToken, sessionId: session.sessionId };
}

export interface MadeRole {
  id: bigint;
  gid: string;
  name: string;
  rank: number;
  scopes: string[];
}

/** A custom role (createRole): a unique name, rank 5 and no scopes unless given. */
export async function makeRole(
  gw: TestGateway,
  opts: { name?: string; rank?: number; scopes?: string[]; description?: string | null; by?: By } = {},
): Promise<MadeRole> {
  const row = await createRole(actingAs(gw, opts.by ?? null), {
    name: opts.name ?? unique('role_'),
    rank: opts.rank ?? 5,
    scopes: opts.scopes ?? [],
    description: opts.description,
  });
  return { id: row.id, gid: encodeId('Role', row.id), name: row.name, rank: row.rank, scopes: row.scopes };
}

/** A role grant (assignRole): `role` (default moderator) to `userId`, a new user when omitted. */
export async function makeRoleGrant(
  gw: TestGateway,
  opts: { userId?: bigint; role?: string; startsAt?: Date | null; expiresAt?: Date | null; by?: By } = {},
): Promise<{ userId: bigint; userGid: string; role: string }> {
  const userId = opts.userId ?? (await makeUser(gw)).id;
  const role = opts.role ?? 'moderator';
  await assignRole(actingAs(gw, opts.by ?? null), userId, role, { startsAt: opts.startsAt, expiresAt: opts.expiresAt });
  return { userId, userGid: encodeId('User', userId), role };
}

/** An invite (createInvite): a random one-time code unless told otherwise. */
export async function makeInvite(
  gw: TestGateway,
  opts: {
    code?: string;
    maxUses?: number | null;
    unlimited?: boolean;
    expiresAt?: Date | null;
    ownerId?: bigint | null;
    email?: string;
    name?: string;
    by?: By;
  } = {},
): Promise<{ id: bigint; gid: string; code: string }> {
  const { by, ...input } = opts;
  const invite = await createInvite(actingAs(gw, by ?? null), input, { publicUrl: gw.config.mail.publicUrl });
  return { id: invite.id, gid: encodeId('Invite', invite.id), code: invite.code };
}

/** An application (createApplication): an external client_credentials client with no scopes unless given. */
export async function makeApplication(
  gw: TestGateway,
  opts: {
    clientId?: string;
    displayName?: string;
    grants?: (typeof GRANTS)[number][];
    redirectUris?: string[];
    role?: 'INTERNAL' | 'EXTERNAL';
    scopes?: string[];
    /** PUBLIC clients have no secret (clientSecret is then ''). */
    clientType?: 'CONFIDENTIAL' | 'PUBLIC';
    oauthScopes?: string[];
    secret?: string;
    by?: By;
  } = {},
): Promise<{ id: bigint; gid: string; clientId: string; clientSecret: string }> {
  const { application, clientSecret } = await createApplication(actingAs(gw, opts.by ?? null), {
    clientId: opts.clientId ?? unique('app-'),
    displayName: opts.displayName ?? 'Test application',
    grants: opts.grants ?? ['client_credentials'],
    redirectUris: opts.redirectUris ?? [],
    role: opts.role ?? 'EXTERNAL',
    scopes: opts.scopes ?? [],
    clientType: opts.clientType,
    oauthScopes: opts.oauthScopes,
    secret: opts.secret,
  });
  return { id: application.id, gid: encodeId('Application', application.id), clientId: application.clientId, clientSecret: clientSecret ?? '' };
}

/** A mail-to-all-users job (mailAllUsers). */
export async function makeMailJob(
  gw: TestGateway,
  opts: { subject?: string; message?: string; by?: By } = {},
): Promise<{ id: bigint; gid: string; total: number }> {
  const job = await mailAllUsers(actingAs(gw, opts.by ?? null), { subject: opts.subject ?? 'Test subject', message: opts.message ?? 'Test message' });
  return { id: job.id, gid: encodeId('MailJob', job.id), total: job.total };
}

/** A one-time password reset token for a user (createPasswordResetToken); a new user when omitted. */
export async function makePasswordReset(
  gw: TestGateway,
  opts: { userId?: bigint; sendEmail?: boolean; by?: By } = {},
): Promise<{ userId: bigint; userGid: string; token: string; expiresAt: Date; mailedTo: string | null }> {
  const userId = opts.userId ?? (await makeUser(gw)).id;
  const made = await createPasswordResetToken(actingAs(gw, opts.by ?? null), userId, { sendEmail: opts.sendEmail });
  return { userId, userGid: encodeId('User', userId), ...made };
}

/**
 * An audit event: audit rows are only ever written by audited actions, so this runs a cheap one
 * (an invite, `invite.create`) as `by` and answers the row it wrote.
 */
export async function makeAuditEvent(gw: TestGateway, opts: { by?: By } = {}): Promise<{ seq: bigint; gid: string; action: string; targetId: string }> {
  const invite = await makeInvite(gw, { by: opts.by });
  const [row] = await gw.database.rows<{ seq: string; action: string }>(
    sql`select seq::text as seq, action from audit_log where target_type = 'Invite' and target_id = ${invite.id.toString()} order by seq desc limit 1`,
  );
  if (!row) throw new Error('the audited action wrote no audit row');
  return { seq: BigInt(row.seq), gid: encodeId('AuditEvent', row.seq), action: row.action, targetId: invite.id.toString() };
}

// ---- Litecord guilds and voice regions (modules/guilds, modules/voice) ----

/** A voice region (createVoiceRegion): a unique lower-case id, not VIP, unless told otherwise. */
export async function makeVoiceRegion(
  gw: TestGateway,
  opts: { id?: string; name?: string; vip?: boolean; deprecated?: boolean; custom?: boolean; by?: By } = {},
): Promise<{ id: string; gid: string; name: string }> {
  const { by, ...rest } = opts;
  const region = await createVoiceRegion(actingAs(gw, by ?? null), { id: rest.id ?? unique('region-'), name: rest.name ?? 'Test region', ...rest });
  return { id: region.id, gid: encodeId('VoiceRegion', region.id), name: region.name };
}

/** A guild (createGuild) owned by `ownerId` (a new user when omitted), with no features unless given. */
export async function makeGuild(
  gw: TestGateway,
  opts: {
    name?: string;
    ownerId?: bigint;
    region?: string | null;
    features?: (typeof GUILD_FEATURES)[number][];
    unavailable?: boolean;
    vanityCode?: string | null;
    icon?: string | null;
    by?: By;
  } = {},
): Promise<{ id: bigint; gid: string; ownerId: bigint }> {
  const { by, ownerId: owner, ...input } = opts;
  const ownerId = owner ?? (await makeUser(gw)).id;
  const guild = await createGuild(actingAs(gw, by ?? null), ownerId, { name: input.name ?? unique('Guild '), ...input });
  return { id: guild.id, gid: encodeId('Guild', guild.id), ownerId };
}

// ---- follows (src/modules/follows) ----

/** One account following another (followUser, stored only); new local users for the sides not given. */
export async function makeFollow(
  gw: TestGateway,
  opts: { followerId?: bigint; followedId?: bigint; by?: By } = {},
): Promise<{ followerId: bigint; followedId: bigint; followerGid: string; followedGid: string; changed: boolean }> {
  const followerId = opts.followerId ?? (await makeUser(gw)).id;
  const followedId = opts.followedId ?? (await makeUser(gw)).id;
  const done = await followUser(actingAs(gw, opts.by ?? null), { followerId, followedId });
  return { followerId, followedId, followerGid: encodeId('User', followerId), followedGid: encodeId('User', followedId), changed: done.changed };
}

// ---- subscriptions ----

/** A user's subscription (setSubscription): active on `premium` for 30 days unless given; a new user when omitted. */
export async function makeSubscription(
  gw: TestGateway,
  opts: { userId?: bigint; tier?: string | null; active?: boolean; expiresAt?: Date | null; by?: By } = {},
): Promise<{ userId: bigint; userGid: string; tier: string | null; expiresAt: Date | null }> {
  const userId = opts.userId ?? (await makeUser(gw)).id;
  const tier = opts.tier === undefined ? 'premium' : opts.tier;
  const expiresAt = opts.expiresAt === undefined ? new Date(Date.now() + 30 * 86_400_000) : opts.expiresAt;
  await setSubscription(actingAs(gw, opts.by ?? null), userId, { tier, active: opts.active ?? true, expiresAt }, gw.config.subscriptions.tiers);
  return { userId, userGid: encodeId('User', userId), tier, expiresAt };
}

// ---- media ----

/**
 * A stored image holding one reference, as a module that refers to it stores it (prepareImage, then
 * putMedia in a transaction): a solid-colour PNG of `width`×`height` made by sharp, re-encoded for
 * `purpose` (an avatar by default). A different `colour` gives a different image (and hash).
 */
export async function makeMedia(
  gw: TestGateway,
  opts: { purpose?: MediaPurpose; width?: number; height?: number; colour?: { r: number; g: number; b: number }; hd?: boolean } = {},
): Promise<MediaInfo> {
  const { default: sharp } = await import('sharp');
  const purpose = opts.purpose ?? 'avatar';
  const [width, height] = [opts.width ?? 64, opts.height ?? (purpose === 'cape' ? 32 : 64)];
  const colour = opts.colour ?? { r: Math.floor(Math.random() * 256), g: Math.floor(Math.random() * 256), b: Math.floor(Math.random() * 256) };
  const png = await sharp({ create: { width, height, channels: 4, background: { ...colour, alpha: 1 } } })
    .png()
    .toBuffer();
  const image = await prepareImage(gw.config.media, png, purpose, { hd: opts.hd });
  return gw.database.db.transaction((tx) => putMedia(tx, image));
}

// ---- webhooks ----

/** A webhook endpoint (createWebhookEndpoint): every event (`*`) unless `events` are given; answers its secret (shown once). */
export async function makeWebhookEndpoint(
  gw: TestGateway,
  opts: { url: string; events?: string[]; description?: string; by?: By },
): Promise<{ id: bigint; gid: string; secret: string }> {
  const made = await createWebhookEndpoint(actingAs(gw, opts.by ?? null), webhookEnvOf(gw.config), {
    url: opts.url,
    events: opts.events ?? ['*'],
    description: opts.description,
  });
  return { id: made.endpoint.id, gid: encodeId('WebhookEndpoint', made.endpoint.id), secret: made.secret };
}
