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

/** Liquid's success body: `{"ok": 1}`, with `data` when there is some. */
export const ok = (c: Context, data?: unknown, status: 200 | 201 = 200) => c.json(data === undefined ? { ok: 1 } : { ok: 1, data }, status);

/** Liquid calls the top role `super_admin`; plain accounts have the role `user`. */
export const toRoleName = (liquid: string) => (liquid === 'super_admin' ? 'superadmin' : liquid);
export const fromRoleName = (name: string | undefined) => (name === undefined ? 'user' : name === 'superadmin' ? 'super_admin' : name);

export const LIQUID_USER_FIELDS =
  'id username firstName middleName lastName bio pronouns verified verifiedAt banned restricted email phone customData credits createdAt roles { name } liquidScopes';

export interface LiquidUserSource {
  id: string;
  username: string;
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
  phone: string | null;
  customData: Record<string, unknown>;
  credits: number;
  createdAt: string;
  /** Highest rank first. */
  roles: { name: string }[];
  /** Liquid's scope[] (the user's direct grants, in Liquid's names). */
  liquidScopes: string[];
}

/** A Liquid user object; fields the gateway does not keep (followers, subscriptions) are omitted, not invented. */
export function presentUser(user: LiquidUserSource) {
  return {
    _id: decodeId(user.id, 'User').toString(),
    username: user.username,
    firstName: user.firstName,
    middleName: user.middleName,
    lastName: user.lastName,
    role: fromRoleName(user.roles[0]?.name),
    bio: user.bio,
    pronouns: user.pronouns,
    verified: user.verified,
    verifiedDate: user.verifiedAt,
    isBanned: user.banned,
    isRestricted: user.restricted,
    email: user.email,
    phone: user.phone,
    credits: user.credits,
    customData: user.customData,
    createdAt: user.createdAt,
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
