import { sql } from 'drizzle-orm';
import { getNamedType, type GraphQLField, type GraphQLObjectType, isCompositeType, isNonNullType } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/graphql/ids.js';
import { schema } from '../../src/graphql/schema.js';
import { useGateway } from '../helpers/app.js';
import { mutate } from '../helpers/clients.js';
import { makeApplication, makeInvite, makeRole } from '../helpers/factories.js';
import { until } from '../helpers/wait.js';

/**
 * The denial suite, derived from the schema: every root field (Query, Mutation, Subscription) must
 * have a sample below. Non-public fields are called anonymous (UNAUTHENTICATED) and as a signed-in
 * user without roles (FORBIDDEN), and neither call may write anything; the same sample, sent by a
 * superadmin, must get past the auth check, so the samples stay valid as the schema changes.
 * A new root field fails this test until it gets a sample.
 */

const gw = useGateway();

type Caller = Awaited<ReturnType<typeof gw.user>>;

interface Fixture {
  /** A plain user other than the caller: what self-or-scope fields are pointed at. */
  target: Caller;
  /** Users the destructive samples act on, so the superadmin pass does not disturb the others. */
  victims: Record<'erase' | 'delete' | 'restore' | 'sessions' | 'reset', Caller>;
  role: { gid: string; name: string };
  doomedRole: { gid: string };
  app: { gid: string; doomedGid: string };
  inviteCode: string;
  doomedInviteCode: string;
}

interface Sample {
  /** Variables, named after the field's arguments; every required argument must be given. */
  vars?: (f: Fixture) => Record<string, unknown>;
  /** Anyone may call it (authScopes public): not checked here. */
  public?: true;
  /** Any signed-in caller may call it (about themselves): checked anonymous only. */
  self?: true;
}

let serial = 0;
const unique = (prefix: string) => {
  serial += 1;
  return `${prefix}${serial}_${Math.random().toString(36).slice(2, 6)}`;
};
const later = () => new Date(Date.now() + 86_400_000).toISOString();

const NO_UUID = '00000000-0000-4000-8000-000000000000';

/** One entry per root field, `<Type>.<field>`. */
const SAMPLES: Record<string, Sample> = {
  // ---- Query ----
  'Query.node': { vars: (f) => ({ id: f.target.gid }) },
  'Query.viewer': { self: true },
  'Query.user': { vars: (f) => ({ id: f.target.gid }) },
  'Query.userByUsername': { vars: (f) => ({ username: f.target.username }) },
  'Query.users': { vars: () => ({ first: 1 }) },
  'Query.userRegistrations': { vars: () => ({ days: 7 }) },
  'Query.roles': { self: true, vars: () => ({ first: 1 }) },
  'Query.scopeCatalog': { self: true },
  'Query.subscriptionTiers': { self: true },
  'Query.liquidScopeTree': { public: true },
  'Query.explainAccess': { vars: (f) => ({ userId: f.target.gid, scope: 'admin:users:read' }) },
  'Query.invites': { vars: () => ({ first: 1 }) },
  'Query.invite': { vars: (f) => ({ code: f.inviteCode }) },
  'Query.sessions': { vars: (f) => ({ userId: f.target.gid }) },
  'Query.applications': { vars: () => ({ first: 1 }) },
  'Query.mailJob': { vars: () => ({ id: encodeId('MailJob', 999_999n) }) },
  'Query.mailJobs': {},
  'Query.auditLog': { vars: () => ({ first: 1 }) },
  'Query.verifyAuditChain': {},
  'Query.guilds': { vars: () => ({ first: 1 }) },
  'Query.guild': { vars: () => ({ id: encodeId('Guild', 999_999n) }) },
  'Query.voiceRegions': { vars: () => ({ first: 1 }) },
  'Query.voiceRegion': { vars: () => ({ key: 'denial-region' }) },
  'Query.relaySubscriptions': { vars: () => ({ first: 1 }) },
  'Query.webhookEndpoints': { vars: () => ({ first: 1 }) },
  'Query.webhookDeliveries': { vars: () => ({ first: 1 }) },
  // ---- Mutation: sign-in and public ----
  'Mutation.login': { public: true },
  'Mutation.refreshToken': { public: true },
  'Mutation.logout': { self: true },
  'Mutation.registerWithInvite': { public: true },
  'Mutation.resetPassword': { public: true },
  // ---- Mutation: accounts ----
  'Mutation.createUser': { vars: () => ({ input: { username: unique('denial_new') } }) },
  'Mutation.createUsers': { vars: () => ({ input: { users: [{ username: unique('denial_bulk') }] } }) },
  'Mutation.updateUser': { vars: (f) => ({ input: { id: f.target.gid, displayName: 'Changed' } }) },
  'Mutation.deleteUser': { vars: (f) => ({ input: { id: f.victims.delete.gid } }) },
  'Mutation.restoreUser': { vars: (f) => ({ input: { id: f.victims.restore.gid } }) },
  'Mutation.eraseUser': { vars: (f) => ({ input: { id: f.victims.erase.gid } }) },
  // ---- Mutation: lifecycle ----
  'Mutation.activateUser': { vars: (f) => ({ input: { id: f.target.gid } }) },
  'Mutation.deactivateUser': { vars: (f) => ({ input: { id: f.target.gid } }) },
  'Mutation.suspendUser': { vars: (f) => ({ input: { id: f.target.gid, until: later() } }) },
  'Mutation.unsuspendUser': { vars: (f) => ({ input: { id: f.target.gid } }) },
  'Mutation.restrictUser': { vars: (f) => ({ input: { id: f.target.gid } }) },
  'Mutation.verifyUser': { vars: (f) => ({ input: { id: f.target.gid } }) },
  // ---- Mutation: profile and bulk ----
  'Mutation.tagUsers': { vars: (f) => ({ input: { ids: [f.target.gid], tags: ['denial'] } }) },
  'Mutation.untagUsers': { vars: (f) => ({ input: { ids: [f.target.gid], tags: ['denial'] } }) },
  'Mutation.updateCustomData': { vars: (f) => ({ input: { id: f.target.gid, data: { a: 1 }, mode: 'MERGE' } }) },
  'Mutation.adjustCredits': { vars: (f) => ({ input: { userId: f.target.gid, operation: 'INCREMENT', value: 1 } }) },
  'Mutation.setSubscription': { vars: (f) => ({ input: { userId: f.target.gid, tier: 'premium', active: true, expiresAt: later() } }) },
  'Mutation.bulkUpdateUsers': {
    vars: (f) => ({ input: { filter: { username: { equals: f.target.username } }, action: 'TAG', tags: ['denial'], dryRun: true } }),
  },
  // ---- Mutation: access ----
  'Mutation.createRole': { vars: () => ({ input: { name: unique('denial-role'), rank: 5, scopes: ['admin:users:read'] } }) },
  'Mutation.updateRole': { vars: (f) => ({ input: { id: f.role.gid, description: 'changed' } }) },
  'Mutation.deleteRole': { vars: (f) => ({ input: { id: f.doomedRole.gid } }) },
  'Mutation.assignRole': { vars: (f) => ({ input: { userId: f.target.gid, role: f.role.name } }) },
  'Mutation.revokeRole': { vars: (f) => ({ input: { userId: f.target.gid, role: f.role.name } }) },
  'Mutation.setLiquidScopes': {
    vars: (f) => ({ input: { targets: [f.target.gid], targetType: 'USER', scopes: ['admin:profile:read', 'delegated:all'], operation: 'SET' } }),
  },
  'Mutation.setScopes': { vars: (f) => ({ input: { targets: [f.target.gid], targetType: 'USER', scopes: ['admin:users:read'], operation: 'ADD' } }) },
  // ---- Mutation: invites, sessions, password reset ----
  'Mutation.createInvite': { vars: () => ({ input: { maxUses: 2 } }) },
  'Mutation.revokeInvite': { vars: (f) => ({ input: { code: f.doomedInviteCode } }) },
  'Mutation.revokeSession': { vars: (f) => ({ input: { id: f.target.sessionId } }) },
  'Mutation.revokeAllSessions': { vars: (f) => ({ input: { userId: f.victims.sessions.gid } }) },
  'Mutation.createPasswordResetToken': { vars: (f) => ({ input: { userId: f.victims.reset.gid } }) },
  // ---- Mutation: applications and mail ----
  'Mutation.createApplication': {
    vars: () => ({
      input: {
        clientId: unique('denial-app'),
        displayName: 'Denial',
        grants: ['client_credentials'],
        redirectUris: [],
        role: 'INTERNAL',
        scopes: ['admin:users:read'],
      },
    }),
  },
  'Mutation.createApplications': {
    vars: () => ({
      input: {
        applications: [
          {
            clientId: unique('denial-apps'),
            displayName: 'Denial',
            grants: ['client_credentials'],
            redirectUris: [],
            role: 'INTERNAL',
            scopes: ['admin:users:read'],
          },
        ],
      },
    }),
  },
  'Mutation.updateApplication': { vars: (f) => ({ input: { id: f.app.gid, displayName: 'Changed' } }) },
  'Mutation.rotateApplicationSecret': { vars: (f) => ({ input: { id: f.app.gid } }) },
  'Mutation.deleteApplication': { vars: (f) => ({ input: { id: f.app.doomedGid } }) },
  // A black 64×32 PNG: JSON cannot carry a multipart file, so the sample sends a data URI.
  'Mutation.uploadImage': {
    vars: () => ({
      input: {
        purpose: 'CAPE',
        dataUri:
          'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAEAAAAAgCAYAAACinX6EAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAASklEQVRogeXOIQEAAAwEIfqX/sWYOIEHFmdxFmdxFmdxFmdxFmdxFmdxFmdxFmdxFmdxFmdxFmdxFmdxFmdxFmdxFmdxFuc78OoAK9X4aujjUEQAAAAASUVORK5CYII=',
      },
    }),
  },
  'Mutation.mailAllUsers': { vars: () => ({ input: { subject: 'Denial', message: 'Only a superadmin sends this.' } }) },
  // ---- Mutation: guilds and voice regions (unknown keys: the superadmin pass gets NotFoundError) ----
  'Mutation.createGuild': { vars: (f) => ({ input: { name: unique('Denial guild '), owner: f.target.gid } }) },
  'Mutation.updateGuild': { vars: () => ({ input: { id: encodeId('Guild', 999_999n), name: 'Changed' } }) },
  'Mutation.deleteGuild': { vars: () => ({ input: { id: encodeId('Guild', 999_999n) } }) },
  'Mutation.replaceGuildFeatures': { vars: () => ({ input: { id: encodeId('Guild', 999_999n), features: ['NEWS'] } }) },
  'Mutation.addGuildFeatures': { vars: () => ({ input: { id: encodeId('Guild', 999_999n), features: ['NEWS'] } }) },
  'Mutation.removeGuildFeatures': { vars: () => ({ input: { id: encodeId('Guild', 999_999n), features: ['NEWS'] } }) },
  'Mutation.createVoiceRegion': { vars: () => ({ input: { id: unique('denial-region'), name: 'Denial' } }) },
  'Mutation.addVoiceServer': { vars: () => ({ input: { region: 'denial-missing', hostname: `${unique('denial')}.example.org` } }) },
  'Mutation.deprecateVoiceRegion': { vars: () => ({ input: { key: 'denial-missing' } }) },
  // ---- Mutation: follows and relays ----
  'Mutation.followUser': { vars: (f) => ({ input: { followerId: f.victims.delete.gid, followedId: f.target.gid } }) },
  'Mutation.unfollowUser': { vars: (f) => ({ input: { followerId: f.victims.delete.gid, followedId: f.target.gid } }) },
  // A malformed URL: the superadmin pass gets a typed BAD_INPUT without any request leaving the gateway.
  'Mutation.followRelay': { vars: () => ({ input: { url: 'not a relay url' } }) },
  'Mutation.unfollowRelay': { vars: () => ({ input: { url: 'https://relay.invalid/actor' } }) },
  // ---- Mutation: webhooks (a malformed URL and unknown ids: nothing is written or sent) ----
  'Mutation.createWebhookEndpoint': { vars: () => ({ input: { url: 'not a url', events: ['*'] } }) },
  'Mutation.updateWebhookEndpoint': { vars: () => ({ input: { id: encodeId('WebhookEndpoint', 999_999n), description: 'changed' } }) },
  'Mutation.rotateWebhookSecret': { vars: () => ({ input: { id: encodeId('WebhookEndpoint', 999_999n) } }) },
  'Mutation.deleteWebhookEndpoint': { vars: () => ({ input: { id: encodeId('WebhookEndpoint', 999_999n) } }) },
  // ---- Query and Mutation: skins and capes (unknown keys: the superadmin pass gets NotFoundError) ----
  'Query.skins': { vars: () => ({ first: 1 }) },
  'Query.capes': { vars: () => ({ first: 1 }) },
  // A black 64×64 PNG as a data URI (JSON cannot carry a multipart file).
  'Mutation.uploadSkin': {
    vars: (f) => ({
      input: {
        owner: f.target.gid,
        name: 'Denial',
        dataUri:
          'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAEAAAABACAYAAACqaXHeAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAeklEQVR4nOXOIQEAAAwEIfqX/sWYOIEHFmdxFmdxFmdxFmdxFmdxFmdxFmdxFmdxFmdxFmdxFmdxFmdxFmdxFmdxFmdxFmdxFmdxFmdxFmdxFmdxFmdxFmdxFmdxFmdxFmdxFmdxFmdxFmdxFmdxFmdxFmdxFuc78OoAWHzw4mYi9U0AAAAASUVORK5CYII=',
      },
    }),
  },
  'Mutation.updateSkin': { vars: () => ({ input: { id: encodeId('Skin', NO_UUID), name: 'Changed' } }) },
  'Mutation.deleteSkin': { vars: () => ({ input: { id: encodeId('Skin', NO_UUID) } }) },
  'Mutation.selectSkin': { vars: (f) => ({ input: { user: f.target.gid, skin: null } }) },
  'Mutation.uploadCape': {
    vars: () => ({
      input: {
        name: 'Denial',
        dataUri:
          'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAEAAAAAgCAYAAACinX6EAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAASklEQVRogeXOIQEAAAwEIfqX/sWYOIEHFmdxFmdxFmdxFmdxFmdxFmdxFmdxFmdxFmdxFmdxFmdxFmdxFmdxFmdxFmdxFuc78OoAK9X4aujjUEQAAAAASUVORK5CYII=',
      },
    }),
  },
  'Mutation.deleteCape': { vars: () => ({ input: { id: encodeId('Cape', NO_UUID) } }) },
  'Mutation.updateUserCapes': { vars: (f) => ({ input: { user: f.target.gid, add: [] } }) },
  'Mutation.setDiscordLink': { vars: (f) => ({ input: { user: f.target.gid, discord: null } }) },
  // ---- pronouns.cc profiles: self-service (the caller's own) and moderation ----
  'Query.pronounsProfile': { public: true },
  'Query.myPrideFlags': { self: true },
  'Mutation.claimMyPronounsProfile': { self: true },
  'Mutation.updateMyPronounsProfile': { self: true, vars: () => ({ input: { bio: 'Denial' } }) },
  'Mutation.rerollMyShortId': { self: true },
  'Mutation.createMyPrideFlag': { self: true, vars: () => ({ input: { flag: 'not an image', name: 'Denial' } }) },
  'Mutation.updateMyPrideFlag': { self: true, vars: () => ({ input: { id: '999999', name: 'Denial' } }) },
  'Mutation.deleteMyPrideFlag': { self: true, vars: () => ({ input: { id: '999999' } }) },
  'Mutation.moderatePronounsProfile': { vars: (f) => ({ input: { userId: f.target.gid, action: 'HIDE', reason: 'Denial' } }) },
  'Mutation.setPronounsBadges': { vars: (f) => ({ input: { userId: f.target.gid, badges: 1, reason: 'Denial' } }) },
  'Mutation.removePrideFlag': { vars: () => ({ input: { id: '999999', reason: 'Denial' } }) },
  // ---- Subscription ----
  'Subscription.adminEvents': { vars: () => ({ filter: { actions: ['user'] } }) },
};

type Kind = 'Query' | 'Mutation' | 'Subscription';
interface RootField {
  key: string;
  kind: Kind;
  field: GraphQLField<unknown, unknown>;
}

const ROOTS: [Kind, GraphQLObjectType | null | undefined][] = [
  ['Query', schema.getQueryType()],
  ['Mutation', schema.getMutationType()],
  ['Subscription', schema.getSubscriptionType()],
];
const ROOT_FIELDS: RootField[] = ROOTS.flatMap(([kind, type]) =>
  Object.values(type?.getFields() ?? {}).map((field) => ({ key: `${kind}.${field.name}`, kind, field })),
);
const checked = (kinds: (f: RootField & { sample: Sample }) => boolean) =>
  ROOT_FIELDS.filter((r) => SAMPLES[r.key])
    .map((r) => ({ ...r, sample: SAMPLES[r.key] }))
    .filter(kinds);
const DENIED = checked((r) => !r.sample.public && !r.sample.self);
const SELF = checked((r) => !!r.sample.self);

/** `query($a: T!) { field(a: $a) { __typename } }`, declaring only the arguments the variables give. */
function documentFor({ kind, field }: RootField, vars: Record<string, unknown>): string {
  const used = field.args.filter((a) => a.name in vars);
  const declared = used.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
  const call = used.map((a) => `${a.name}: $${a.name}`).join(', ');
  const selection = isCompositeType(getNamedType(field.type)) ? ' { __typename }' : '';
  return `${kind.toLowerCase()}${declared ? `(${declared})` : ''} { ${field.name}${call ? `(${call})` : ''}${selection} }`;
}

interface Answer {
  status: number;
  codes: (string | undefined)[];
  data: unknown;
}

/** A subscription over SSE: events are collected as they arrive; `stop` ends the stream. */
async function openStream(query: string, variables: Record<string, unknown>, token: string | null) {
  const controller = new AbortController();
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await gw.app.fetch(
    new Request('http://gateway.test/graphql', { method: 'POST', headers, body: JSON.stringify({ query, variables }), signal: controller.signal }),
  );
  const events: any[] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const reading = (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      for (let at = buffer.indexOf('\n\n'); at >= 0; at = buffer.indexOf('\n\n')) {
        const data = buffer
          .slice(0, at)
          .split('\n')
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).trim())
          .join('');
        buffer = buffer.slice(at + 2);
        if (data) events.push(JSON.parse(data));
      }
    }
  })();
  let finished = false;
  void reading.then(() => {
    finished = true;
  });
  return {
    status: res.status,
    events,
    /** Aborts the request (the gateway ends the subscription); a refused stream has ended already. */
    stop: () => controller.abort(),
    ended: () => finished,
  };
}

async function call(root: RootField, vars: Record<string, unknown>, token: string | null): Promise<Answer> {
  const query = documentFor(root, vars);
  if (root.kind !== 'Subscription') {
    const res = await gw.gql(query, vars, token);
    return { status: res.status, codes: (res.body.errors ?? []).map((e: any) => e.extensions?.code), data: res.body.data?.[root.field.name] ?? null };
  }
  const stream = await openStream(query, vars, token);
  // A refused subscription answers its error as the only event and ends the stream.
  try {
    await until(stream.ended, `the end of the refused ${root.key} stream`, { seconds: 10 });
  } finally {
    stream.stop();
  }
  const [event] = stream.events;
  return { status: stream.status, codes: (event?.errors ?? []).map((e: any) => e.extensions?.code), data: event?.data?.[root.field.name] ?? null };
}

const TABLES = [
  'audit_log',
  'users',
  'sessions',
  'roles',
  'user_roles',
  'user_scopes',
  'invites',
  'applications',
  'mail_jobs',
  'outbox',
  'password_reset_tokens',
  'follows',
  'relay_subscriptions',
  'relay_deliveries',
  'relay_actor',
  'media',
  'webhook_endpoints',
  'webhook_deliveries',
  'skins',
  'capes',
  'cape_owners',
  'skin_selections',
  'discord_links',
];
/** Row counts of every table an admin write touches (audit_log first: every action writes one). */
async function counts(): Promise<Record<string, number>> {
  const select = TABLES.map((t) => `(select count(*)::int from ${t}) as ${t}`).join(', ');
  const [row] = await gw.database.rows<Record<string, number>>(sql.raw(`select ${select}`));
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]));
}

let f: Fixture;
let root: Caller;
let plain: Caller;

beforeAll(async () => {
  root = await gw.user({ roles: ['superadmin'] });
  plain = await gw.user();
  const victims = {
    erase: await gw.user(),
    delete: await gw.user(),
    restore: await gw.user(),
    sessions: await gw.user(),
    reset: await gw.user(),
  };
  expect((await mutate(gw, 'deleteUser', { id: victims.restore.gid }, root.token)).__typename).toBe('DeleteUserSuccess');
  const role = await makeRole(gw, { name: unique('denial-fixture'), scopes: ['admin:users:read'], by: root.id });
  const doomedRole = await makeRole(gw, { name: unique('denial-doomed'), scopes: ['admin:users:read'], by: root.id });
  const app = { grants: ['client_credentials' as const], role: 'INTERNAL' as const, scopes: ['admin:users:read'], displayName: 'Fixture', by: root.id };
  const fixtureApp = await makeApplication(gw, { ...app, clientId: 'denial-fixture' });
  const doomedApp = await makeApplication(gw, { ...app, clientId: 'denial-doomed' });
  for (const code of ['denial-fixture', 'denial-doomed']) await makeInvite(gw, { code, maxUses: 3, by: root.id });
  f = {
    target: await gw.user(),
    victims,
    role: { gid: role.gid, name: role.name },
    doomedRole: { gid: doomedRole.gid },
    app: { gid: fixtureApp.gid, doomedGid: doomedApp.gid },
    inviteCode: 'denial-fixture',
    doomedInviteCode: 'denial-doomed',
  };
});

describe('the sample map', () => {
  it('names every root field of the schema, and only those', () => {
    const fields = ROOT_FIELDS.map((r) => r.key);
    expect(
      fields.filter((k) => !SAMPLES[k]),
      'root fields without a sample in SAMPLES',
    ).toEqual([]);
    expect(
      Object.keys(SAMPLES).filter((k) => !fields.includes(k)),
      'samples of fields the schema no longer has',
    ).toEqual([]);
  });

  it('gives every required argument, names only real ones, and marks public only what the schema makes public', () => {
    const fake = new Proxy({}, { get: () => new Proxy({}, { get: () => 'x' }) }) as Fixture;
    for (const r of ROOT_FIELDS) {
      const sample = SAMPLES[r.key];
      if (!sample || sample.public) continue;
      const vars = sample.vars?.(fake) ?? {};
      const required = r.field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined).map((a) => a.name);
      expect(
        required.filter((a) => !(a in vars)),
        `${r.key}: required arguments missing`,
      ).toEqual([]);
      expect(
        Object.keys(vars).filter((a) => !r.field.args.some((arg) => arg.name === a)),
        `${r.key}: unknown arguments`,
      ).toEqual([]);
    }
    for (const r of ROOT_FIELDS.filter((r) => SAMPLES[r.key]?.public)) {
      const scopes = (r.field.extensions as { pothosOptions?: { authScopes?: unknown } }).pothosOptions?.authScopes;
      expect(scopes, `${r.key} is marked public but its authScopes are not { public: true }`).toEqual({ public: true });
    }
  });
});

describe('every non-public root field refuses callers without the scope, and writes nothing', () => {
  it.each(DENIED.map((r) => [r.key, r] as const))('%s', async (_key, r) => {
    const before = await counts();
    const anonymous = await call(r, r.sample.vars?.(f) ?? {}, null);
    expect(anonymous.codes, `${r.key} anonymous`).toEqual(['UNAUTHENTICATED']);
    expect(anonymous.data, `${r.key} anonymous answered data`).toBeNull();
    const signedIn = await call(r, r.sample.vars?.(f) ?? {}, plain.token);
    expect(signedIn.codes, `${r.key} without the scope`).toEqual(['FORBIDDEN']);
    expect(signedIn.data, `${r.key} without the scope answered data`).toBeNull();
    expect(await counts(), `${r.key} wrote something when refused`).toEqual(before);
  });
});

describe('self fields refuse anonymous callers, and writes nothing', () => {
  it.each(SELF.map((r) => [r.key, r] as const))('%s', async (_key, r) => {
    const before = await counts();
    const anonymous = await call(r, r.sample.vars?.(f) ?? {}, null);
    expect(anonymous.codes, `${r.key} anonymous`).toEqual(['UNAUTHENTICATED']);
    expect(anonymous.data).toBeNull();
    expect(await counts()).toEqual(before);
  });
});

describe('the samples are valid: a caller who may use the field gets past the auth check', () => {
  it.each(SELF.map((r) => [r.key, r] as const))('%s, signed in', async (_key, r) => {
    const me = await gw.user();
    const answer = await call(r, r.sample.vars?.(f) ?? {}, me.token);
    expect(answer, r.key).toMatchObject({ status: 200, codes: [] });
    expect(answer.data, r.key).not.toBeNull();
  });

  it.each(DENIED.filter((r) => r.kind !== 'Subscription').map((r) => [r.key, r] as const))('%s, as superadmin', async (_key, r) => {
    const answer = await call(r, r.sample.vars?.(f) ?? {}, root.token);
    expect(answer, r.key).toMatchObject({ status: 200, codes: [] });
    // A mutation answers its payload; a typed error in it is fine (the check ran), a GraphQL error is not.
    if (isNonNullType(r.field.type)) expect(answer.data, r.key).not.toBeNull();
  });

  it.each(DENIED.filter((r) => r.kind === 'Subscription').map((r) => [r.key, r] as const))('%s, as superadmin', async (_key, r) => {
    const stream = await openStream(documentFor(r, r.sample.vars?.(f) ?? {}), r.sample.vars?.(f) ?? {}, root.token);
    try {
      expect(stream.status).toBe(200);
      // Audited writes until the stream delivers one (it listens once its subscription is set up).
      let flip = false;
      const [event] = await until(
        async () => {
          flip = !flip;
          await mutate(gw, 'verifyUser', { id: f.target.gid, verified: flip }, root.token);
          return stream.events.length > 0 && stream.events;
        },
        `an event on ${r.key}`,
        { seconds: 20 },
      );
      expect(event.errors, r.key).toBeUndefined();
      expect(event.data[r.field.name].__typename).toBe('AuditEvent');
    } finally {
      stream.stop();
    }
  });
});
