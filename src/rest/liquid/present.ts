import type { Context } from 'hono';
import { decodeGlobalID } from '@pothos/plugin-relay';
import { decodeId } from '../../graphql/ids.js';
import { ShimError } from '../shim.js';

/**
 * Liquid's scope names, mapped onto the gateway's catalog: the one table that says what each of
 * them means here. A name missing from it is refused, never guessed.
 */
export const LIQUID_SCOPES: Record<string, string> = {
  'admin:all': 'admin',
  'admin:profile:read': 'admin:users:read',
  'admin:profile:write': 'admin:users:write',
  'admin:profile:create:write': 'admin:users:write',
  'admin:profile:custom-data:write': 'admin:users:write',
  'admin:profile:restrict:write': 'admin:users:write',
  'admin:profile:verifications:write': 'admin:users:write',
  'admin:profile:credits:write': 'admin:users:write',
  'admin:profile:sensitive:low:write': 'admin:users:write',
  'admin:profile:sensitive:medium:write': 'admin:users:write',
  'admin:profile:sensitive:high:write': 'admin:users:write',
  'admin:profile:sensitive:extreme:write': 'admin:users:write',
  'admin:profile:ban:write': 'admin:users:ban',
  'admin:profile:access:write': 'admin:roles:grant',
};

/** Catalog scopes for Liquid scope names; a name not in the table is BAD_INPUT, never guessed. */
export function scopesOf(names: string[]): string[] {
  const unknown = names.filter((s) => !LIQUID_SCOPES[s]);
  if (unknown.length) throw new ShimError('BAD_INPUT', `Unknown scope: ${unknown.join(', ')}`);
  return [...new Set(names.map((s) => LIQUID_SCOPES[s]))];
}

/** Liquid's success body: `{"ok": 1}`, with `data` when there is some. */
export const ok = (c: Context, data?: unknown, status: 200 | 201 = 200) => c.json(data === undefined ? { ok: 1 } : { ok: 1, data }, status);

/** Liquid calls the top role `super_admin`; plain accounts have the role `user`. */
export const toRoleName = (liquid: string) => (liquid === 'super_admin' ? 'superadmin' : liquid);
export const fromRoleName = (name: string | undefined) => (name === undefined ? 'user' : name === 'superadmin' ? 'super_admin' : name);

export const LIQUID_USER_FIELDS =
  'id username firstName middleName lastName bio pronouns verified verifiedAt banned restricted email phone customData credits createdAt roles { name }';

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
  };
}

export const LIQUID_APP_FIELDS = 'id clientId displayName grants redirectUris role scopes';

export interface LiquidAppSource {
  id: string;
  clientId: string;
  displayName: string;
  grants: string[];
  redirectUris: string[];
  role: 'INTERNAL' | 'EXTERNAL';
  scopes: string[];
}

/** Catalog scope back to Liquid's name (the first entry of the table that maps onto it). */
const liquidName = (scope: string) => Object.entries(LIQUID_SCOPES).find(([, s]) => s === scope)?.[0] ?? scope;

/** A Liquid client. Unlike Liquid, never with its secret. */
export function presentApp(app: LiquidAppSource) {
  return {
    _id: Number(decodeGlobalID(app.id).id).toString(),
    id: app.clientId,
    grants: app.grants,
    redirectUris: app.redirectUris,
    role: app.role === 'INTERNAL' ? 'internal_client' : 'external_client',
    scope: app.scopes.map(liquidName),
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
