import { decodeId } from '../../graphql/ids.js';

/** The User fields Litecord presents; keep in step with `present`. */
export const LITECORD_USER_FIELDS = 'id username discriminator avatarHash flags isStaff verified email phone';

export interface LitecordUserSource {
  id: string;
  username: string;
  discriminator: string;
  avatarHash: string | null;
  flags: number;
  isStaff: boolean;
  verified: boolean;
  email: string | null;
  phone: string | null;
}

export const STAFF_FLAG = 1;

/** A Litecord private user object. `id` is the snowflake string; the staff bit follows from scopes. */
export function presentUser(user: LitecordUserSource) {
  const flags = (user.flags & ~STAFF_FLAG) | (user.isStaff ? STAFF_FLAG : 0);
  return {
    id: decodeId(user.id, 'User').toString(),
    username: user.username,
    discriminator: user.discriminator,
    avatar: user.avatarHash,
    bot: false,
    mfa_enabled: false,
    flags,
    public_flags: flags,
    verified: user.verified,
    email: user.email,
    phone: user.phone,
    premium: false,
  };
}

export const LITECORD_INVITE_FIELDS = 'code createdAt maxUses uses';

export interface LitecordInviteSource {
  code: string;
  createdAt: string;
  maxUses: number | null;
  uses: number;
}

/** An instance invite object; `max_uses` -1 means unlimited. */
export function presentInvite(invite: LitecordInviteSource) {
  return { code: invite.code, created_at: invite.createdAt, max_uses: invite.maxUses ?? -1, uses: invite.uses };
}
