import { builder } from '../../graphql/builder.js';
import { mayReadProfile, seesOwnProfileFields } from '../../access/self-service.js';
import { reserveAttempt } from '../../access/limits.js';
import { registerUserField } from '../users/extensions.js';
import { findUserById } from '../users/queries.js';
import { UserRef } from '../users/schema.js';
import { utcOffsetOf, type CustomPreference, type FieldEntry, type PrideFlag, type Profile, type ProfileField, type PronounEntry } from './model.js';
import { findFlagsOf, findProfileByRef, findProfiles } from './queries.js';

/** pronouns.cc's CDN paths, as its readers build them (README "pronouns.cc"). */
export const avatarUrl = (base: string, p: { userId: string; avatar: string }) => `${base}/users/${p.userId}/${p.avatar}.webp`;
export const flagUrl = (base: string, hash: string) => `${base}/flags/${hash}.webp`;

const open = { public: true } as const;

const FieldEntryRef = builder.objectRef<FieldEntry>('ProfileFieldEntry').implement({
  description: 'A name or a field entry and how the user feels about it.',
  authScopes: open,
  fields: (t) => ({
    value: t.exposeString('value'),
    status: t.exposeString('status', { description: 'favourite, okay, jokingly, friends_only, avoid, or the UUID of one of the custom preferences' }),
  }),
});

const PronounEntryRef = builder.objectRef<PronounEntry>('PronounEntry').implement({
  authScopes: open,
  fields: (t) => ({
    pronouns: t.exposeString('pronouns', { description: 'As the user wrote them (need not be a full set)' }),
    displayText: t.exposeString('displayText', { nullable: true }),
    status: t.exposeString('status'),
  }),
});

const ProfileFieldRef = builder.objectRef<ProfileField>('ProfileField').implement({
  authScopes: open,
  fields: (t) => ({ name: t.exposeString('name'), entries: t.field({ type: [FieldEntryRef], resolve: (f) => f.entries }) }),
});

const CustomPreferenceRef = builder.objectRef<CustomPreference & { id: string }>('CustomPreference').implement({
  authScopes: open,
  fields: (t) => ({
    id: t.exposeString('id', { description: 'The UUID a status names it by' }),
    icon: t.exposeString('icon', { description: 'A Bootstrap icon name' }),
    tooltip: t.exposeString('tooltip'),
    size: t.exposeString('size', { description: 'large, normal or small' }),
    muted: t.exposeBoolean('muted'),
    favourite: t.exposeBoolean('favourite'),
  }),
});

export const PrideFlagRef = builder.objectRef<PrideFlag>('PrideFlag').implement({
  description: 'A pride flag of a user (pronouns.cc): an image, a name, a description.',
  authScopes: open,
  fields: (t) => ({
    id: t.exposeString('id', { description: 'The flag id pronouns.cc clients use' }),
    hash: t.exposeString('hash', { description: 'The stored image (media hash)' }),
    url: t.string({ resolve: (f, _a, ctx) => flagUrl(ctx.config.pronouns.mediaBaseUrl, f.hash) }),
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
  }),
});

const ProfileOwnRef = builder.objectRef<Profile>('PronounsProfileOwn').implement({
  description: 'What only the user itself (and profile moderators) sees of a profile.',
  authScopes: open,
  fields: (t) => ({
    timezone: t.exposeString('timezone', { nullable: true, description: 'IANA name' }),
    createdAt: t.field({ type: 'DateTime', resolve: (p) => p.createdAt }),
    listPrivate: t.exposeBoolean('listPrivate'),
    lastSidReroll: t.field({ type: 'DateTime', nullable: true, resolve: (p) => p.lastSidReroll }),
    isAdmin: t.exposeBoolean('isAdmin', { description: 'Holds admin:profiles:write' }),
    claimedAt: t.field({ type: 'DateTime', nullable: true, description: 'When the user first used the pronouns.cc API', resolve: (p) => p.claimedAt }),
    publishedAt: t.field({ type: 'DateTime', nullable: true, description: 'When an admin published it', resolve: (p) => p.publishedAt }),
    hiddenAt: t.field({ type: 'DateTime', nullable: true, description: 'When an admin hid it', resolve: (p) => p.hiddenAt }),
    public: t.exposeBoolean('visible', { description: 'Anyone may read it: claimed or published, not hidden, the account active' }),
  }),
});

export const PronounsProfileRef = builder.objectRef<Profile>('PronounsProfile').implement({
  description: "A user's pronouns.cc profile. The name is the username; display name, bio, avatar and timezone are the account's.",
  authScopes: open,
  fields: (t) => ({
    user: t.field({
      type: UserRef,
      description: 'The account (under its own rules)',
      resolve: async (p, _a, ctx) => (await findUserById(ctx.database.db, BigInt(p.userId)))!,
    }),
    userId: t.exposeString('userId', { description: 'The id pronouns.cc clients use (the user id as decimal text)' }),
    sid: t.exposeString('sid', { description: '5 lowercase letters, unique' }),
    name: t.exposeString('name'),
    displayName: t.exposeString('displayName', { nullable: true }),
    bio: t.exposeString('bio', { nullable: true }),
    memberTitle: t.exposeString('memberTitle', { nullable: true }),
    avatar: t.exposeString('avatar', { nullable: true, description: 'The avatar hash' }),
    avatarUrl: t.string({
      nullable: true,
      resolve: (p, _a, ctx) => (p.avatar ? avatarUrl(ctx.config.pronouns.mediaBaseUrl, { userId: p.userId, avatar: p.avatar }) : null),
    }),
    links: t.exposeStringList('links'),
    names: t.field({ type: [FieldEntryRef], resolve: (p) => p.names }),
    pronouns: t.field({ type: [PronounEntryRef], resolve: (p) => p.pronouns }),
    fields: t.field({ type: [ProfileFieldRef], resolve: (p) => p.fields }),
    flags: t.field({ type: [PrideFlagRef], description: 'The flags shown, in their order', resolve: (p) => p.flags }),
    badges: t.exposeInt('badges', { description: 'A bitmask' }),
    utcOffset: t.int({ nullable: true, description: 'Seconds from UTC now, from the timezone', resolve: (p) => utcOffsetOf(p.timezone) }),
    customPreferences: t.field({
      type: [CustomPreferenceRef],
      resolve: (p) => Object.entries(p.customPreferences).map(([id, pref]) => ({ id, ...pref })),
    }),
    isViewer: t.boolean({ description: 'The caller is this profile’s user', resolve: (p, _a, ctx) => ctx.viewer?.userId.toString() === p.userId }),
    own: t.field({
      type: ProfileOwnRef,
      nullable: true,
      description: 'Only for the user itself and profile moderators; null for everyone else',
      resolve: (p, _a, ctx) => (seesOwnProfileFields(ctx.viewer, p.userId) ? p : null),
    }),
  }),
});

registerUserField('pronounsProfile', {
  load: async (db, ids) => findProfiles(db, ids.map(BigInt)),
  all: [],
  empty: () => null,
});

builder.objectField(UserRef, 'pronounsProfile', (t) =>
  t.field({
    type: PronounsProfileRef,
    nullable: true,
    description: 'The pronouns.cc profile (local accounts)',
    authScopes: (u) => ({ scope: 'admin:profiles:read', self: u.id }),
    resolve: async (u, _a, ctx) => {
      const loaded = (u as { pronounsProfile?: Profile | null }).pronounsProfile;
      return loaded !== undefined ? loaded : ((await findProfiles(ctx.database.db, [BigInt(u.id)])).get(u.id) ?? null);
    },
  }),
);

builder.queryFields((t) => ({
  pronounsProfile: t.field({
    type: PronounsProfileRef,
    nullable: true,
    description:
      'A profile by user id or username (ids first), as pronouns.cc answers GET /users/{ref}: null unless public, or the caller is its user or a profile moderator. Reads without a token are limited per address.',
    authScopes: open,
    args: { ref: t.arg.string({ required: true }) },
    resolve: async (_root, { ref }, ctx) => {
      if (!ctx.viewer)
        await reserveAttempt(ctx.database.db, `pronouns-read:${ctx.ip ?? 'unknown'}`, { max: ctx.config.pronouns.publicReadsPerMinute, windowSeconds: 60 });
      const profile = await findProfileByRef(ctx.database.db, ref);
      return profile && mayReadProfile(ctx.viewer, profile) ? profile : null;
    },
  }),
  myPrideFlags: t.withAuth({ authenticated: true }).field({
    type: [PrideFlagRef],
    description: "The caller's own pride flags (at most 500), oldest first",
    resolve: async (_root, _a, ctx) => (await findFlagsOf(ctx.database.db, [ctx.viewer.userId])).get(ctx.viewer.userId.toString()) ?? [],
  }),
}));
