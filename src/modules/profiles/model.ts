/** pronouns.cc's profile objects, as stored (jsonb) and answered. */

/** The five built-in statuses; a status may also be the UUID of one of the user's custom preferences. */
export const BUILTIN_STATUSES = ['favourite', 'okay', 'jokingly', 'friends_only', 'avoid'] as const;

export interface FieldEntry {
  value: string;
  status: string;
}

export interface PronounEntry {
  pronouns: string;
  displayText: string | null;
  status: string;
}

export interface ProfileField {
  name: string;
  entries: FieldEntry[];
}

export interface CustomPreference {
  icon: string;
  tooltip: string;
  size: 'large' | 'normal' | 'small';
  muted: boolean;
  favourite: boolean;
}

export type CustomPreferences = Record<string, CustomPreference>;

export interface PrideFlag {
  id: string;
  userId: string;
  hash: string;
  name: string;
  description: string | null;
}

/** A profile as the API reads it: the account's columns with the profile's. */
export interface Profile {
  userId: string;
  sid: string;
  name: string;
  displayName: string | null;
  bio: string | null;
  memberTitle: string | null;
  avatar: string | null;
  links: string[];
  names: FieldEntry[];
  pronouns: PronounEntry[];
  fields: ProfileField[];
  flags: PrideFlag[];
  badges: number;
  timezone: string | null;
  customPreferences: CustomPreferences;
  listPrivate: boolean;
  lastSidReroll: Date | null;
  createdAt: Date;
  claimedAt: Date | null;
  publishedAt: Date | null;
  hiddenAt: Date | null;
  status: string;
  /** Public: claimed or published, not hidden, and the account is active. */
  visible: boolean;
  /** Holds admin:profiles:write (pronouns.cc's is_admin). */
  isAdmin: boolean;
}

/** The offset from UTC of `timezone` now, in seconds; null without a (valid) timezone. */
export function utcOffsetOf(timezone: string | null, at = new Date()): number | null {
  if (!timezone) return null;
  try {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: timezone, timeZoneName: 'longOffset' }).formatToParts(at);
    const name = parts.find((p) => p.type === 'timeZoneName')?.value ?? '';
    const m = /GMT(?:([+-])(\d{2}):?(\d{2})(?::?(\d{2}))?)?/.exec(name);
    if (!m) return null;
    if (!m[1]) return 0;
    const seconds = Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0);
    return m[1] === '-' ? -seconds : seconds;
  } catch {
    return null;
  }
}
