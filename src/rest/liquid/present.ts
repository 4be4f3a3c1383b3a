import type { Context } from 'hono';
import { decodeGlobalID } from '@pothos/plugin-relay';
import { decodeId } from '../../graphql/ids.js';
import { catalogScopesOf, isLiquidScope, isStoredOnly } from '../../access/liquid-scopes.js';
import { ShimError } from '../shim.js';

/**
 * Catalog scopes for Liquid scope names (access/liquid-scopes.ts), for routes that take a client's
 * scope[] with other fields. An unknown name is BAD_INPUT; so is a stored-only one, which only
 * POST /user/admin-api/access can keep (here it would be lost).
 */
export function scopesOf(names: string[]): string[] {
  const refused = names.filter((s) => !isLiquidScope(s) || isStoredOnly(s));
  if (refused.length)
    throw new ShimError('BAD_INPUT', `Unknown scope (or one to set with /user/admin-api/access): ${refused.join(', ')}`, [
      { path: ['scope'], message: 'Invalid value' },
    ]);
  return catalogScopesOf(names);
}

/** Page sizes of the Liquid lists (users, clients): what /system/settings answers as pagination limits. */
export const LIST_LIMITS = { default: 50, max: 100 } as const;

/** Liquid's success body: `{"ok": 1}`, with `data` when there is some. */
export const ok = (c: Context, data?: unknown, status: 200 | 201 = 200) => c.json(data === undefined ? { ok: 1 } : { ok: 1, data }, status);

/** Liquid's phone number arrives as a dialing code plus number; the gateway keeps one phone field. */
export const phoneOf = (b: { phoneCountryCode?: string; phone?: string }) =>
  b.phone === undefined ? undefined : b.phoneCountryCode ? `${b.phoneCountryCode} ${b.phone}` : b.phone;

/** Liquid calls the top role `super_admin`; plain accounts have the role `user`. */
export const toRoleName = (liquid: string) => (liquid === 'super_admin' ? 'superadmin' : liquid);
export const fromRoleName = (name: string | undefined) => (name === undefined ? 'user' : name === 'superadmin' ? 'super_admin' : name);

export const LIQUID_USER_FIELDS =
  'id username displayName firstName middleName lastName bio pronouns verified verifiedAt banned restricted email emailVerified phone countryCode organization designation gender preferredLanguage customLink customData credits createdAt updatedAt roles { name } liquidScopes subscription { tier expiresAt isSubscribed } followerCount followingCount';

export interface LiquidUserSource {
  id: string;
  /** From the follows module (User.followerCount / followingCount; admin:follows:read for others). */
  followerCount: number;
  followingCount: number;
  username: string;
  displayName: string | null;
  firstName: string | null;
  middleName: string | null;
  lastName: string | null;
  bio: string | null;
  pronouns: string | null;
  verified: boolean;
  verifiedAt: string | null;
  banned: boolean;
  restricted: boolean;
  email: string | null;
  emailVerified: boolean;
  phone: string | null;
  countryCode: string | null;
  organization: string | null;
  designation: string | null;
  gender: string | null;
  preferredLanguage: string | null;
  customLink: string | null;
  customData: Record<string, unknown>;
  credits: number;
  createdAt: string;
  updatedAt: string;
  /** Highest rank first. */
  roles: { name: string }[];
  subscription: { tier: string | null; expiresAt: string | null; isSubscribed: boolean } | null;
  /** Liquid's scope[] (the user's direct grants, in Liquid's names). */
  liquidScopes: string[];
}

/**
 * A Liquid user object (its admin projection). As Liquid's checkSubscription does, a user who is
 * not subscribed now shows the base tier. The gateway serves no profile pictures: profilePictureUrl
 * is null, so Nitrogen shows initials.
 */
export function presentUser(user: LiquidUserSource, baseTier: string) {
  const subscribed = user.subscription?.isSubscribed ?? false;
  return {
    _id: decodeId(user.id, 'User').toString(),
    username: user.username,
    name: user.displayName,
    firstName: user.firstName,
    middleName: user.middleName,
    lastName: user.lastName,
    role: fromRoleName(user.roles[0]?.name),
    bio: user.bio,
    pronouns: user.pronouns,
    designation: user.designation,
    gender: user.gender,
    preferredLanguage: user.preferredLanguage,
    customLink: user.customLink,
    organization: user.organization,
    country: user.countryCode,
    profilePictureUrl: null,
    verified: user.verified,
    verifiedDate: user.verifiedAt,
    isBanned: user.banned,
    isRestricted: user.restricted,
    isSubscribed: subscribed,
    subscriptionTier: subscribed ? user.subscription!.tier : baseTier,
    subscriptionExpiry: user.subscription?.expiresAt ?? null,
    email: user.email,
    emailVerified: user.emailVerified,
    phone: user.phone,
    credits: user.credits,
    followerCount: user.followerCount,
    followingCount: user.followingCount,
    customData: user.customData,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
    scope: user.liquidScopes,
  };
}

export const LIQUID_APP_FIELDS = 'id clientId displayName grants redirectUris role scopes liquidScopes';

export interface LiquidAppSource {
  id: string;
  clientId: string;
  displayName: string;
  grants: string[];
  redirectUris: string[];
  role: 'INTERNAL' | 'EXTERNAL';
  scopes: string[];
  liquidScopes: string[];
}

/** A Liquid client. Unlike Liquid, never with its secret. */
export function presentApp(app: LiquidAppSource) {
  return {
    _id: Number(decodeGlobalID(app.id).id).toString(),
    id: app.clientId,
    grants: app.grants,
    redirectUris: app.redirectUris,
    role: app.role === 'INTERNAL' ? 'internal_client' : 'external_client',
    scope: app.liquidScopes,
    displayName: app.displayName,
  };
}

export interface LiquidInviteSource {
  code: string;
  createdAt: string;
  registeredUsers: { id: string }[];
}

/** A Liquid invite code; `targetId` is the user who used it, absent while unused. */
export function presentInviteCode(invite: LiquidInviteSource & { updatedAt?: string }) {
  const used = invite.registeredUsers[0]?.id;
  return { code: invite.code, createdAt: invite.createdAt, ...(used ? { targetId: decodeGlobalID(used).id } : {}) };
}
