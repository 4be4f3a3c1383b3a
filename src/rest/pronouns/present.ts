/** pronouns.cc's user and flag objects (pronouns-users.md), from the gateway's PronounsProfile. */

const FLAG = 'id hash name description';
export const PRONOUNS_FLAG_FIELDS = FLAG;
export const PRONOUNS_PROFILE_FIELDS = `userId sid name displayName bio memberTitle avatar links isViewer badges utcOffset
  names { value status } pronouns { pronouns displayText status } fields { name entries { value status } }
  flags { ${FLAG} } customPreferences { id icon tooltip size muted favourite }
  own { createdAt timezone isAdmin listPrivate lastSidReroll }`;

export interface FlagSource {
  id: string;
  hash: string;
  name: string;
  description: string | null;
}

export interface ProfileSource {
  userId: string;
  sid: string;
  name: string;
  displayName: string | null;
  bio: string | null;
  memberTitle: string | null;
  avatar: string | null;
  links: string[];
  isViewer: boolean;
  badges: number;
  utcOffset: number | null;
  names: { value: string; status: string }[];
  pronouns: { pronouns: string; displayText: string | null; status: string }[];
  fields: { name: string; entries: { value: string; status: string }[] }[];
  flags: FlagSource[];
  customPreferences: { id: string; icon: string; tooltip: string; size: string; muted: boolean; favourite: boolean }[];
  own: { createdAt: string; timezone: string | null; isAdmin: boolean; listPrivate: boolean; lastSidReroll: string | null } | null;
}

export const presentFlag = (f: FlagSource) => ({ id: f.id, hash: f.hash, name: f.name, description: f.description });

/**
 * A user object; the additional fields only when the caller is that user. Members are not served
 * (always `[]`), nor are the linked accounts (always null).
 */
export function presentProfile(p: ProfileSource) {
  const user = {
    id: p.userId,
    sid: p.sid,
    name: p.name,
    display_name: p.displayName,
    bio: p.bio,
    member_title: p.memberTitle,
    avatar: p.avatar,
    links: p.links,
    names: p.names,
    pronouns: p.pronouns.map((e) => ({ pronouns: e.pronouns, display_text: e.displayText, status: e.status })),
    fields: p.fields,
    flags: p.flags.map(presentFlag),
    members: [],
    badges: p.badges,
    utc_offset: p.utcOffset,
    custom_preferences: Object.fromEntries(p.customPreferences.map(({ id, ...pref }) => [id, pref])),
  };
  if (!p.isViewer || !p.own) return user;
  return {
    ...user,
    created_at: p.own.createdAt,
    timezone: p.own.timezone,
    is_admin: p.own.isAdmin,
    list_private: p.own.listPrivate,
    last_sid_reroll: p.own.lastSidReroll ?? p.own.createdAt,
    discord: null,
    discord_username: null,
    tumblr: null,
    tumblr_username: null,
    google: null,
    google_username: null,
    fediverse: null,
    fediverse_username: null,
    fediverse_instance: null,
  };
}

/** PATCH /users/@me's snake_case body as the gateway's input (keys not sent stay out). */
export function patchInput(body: Record<string, unknown>): Record<string, unknown> {
  const keys: Record<string, string> = {
    name: 'name',
    display_name: 'displayName',
    bio: 'bio',
    member_title: 'memberTitle',
    links: 'links',
    names: 'names',
    pronouns: 'pronouns',
    fields: 'fields',
    flags: 'flags',
    avatar: 'avatar',
    timezone: 'timezone',
    list_private: 'listPrivate',
    custom_preferences: 'customPreferences',
  };
  const input: Record<string, unknown> = {};
  for (const [from, to] of Object.entries(keys)) {
    const value = body[from];
    if (value === undefined || value === null) continue;
    input[to] =
      from === 'pronouns' && Array.isArray(value)
        ? value.map((e) => {
            if (typeof e !== 'object' || e === null) return e;
            const { display_text, ...rest } = e as Record<string, unknown>;
            return display_text === undefined ? rest : { ...rest, displayText: display_text };
          })
        : value;
  }
  return input;
}
