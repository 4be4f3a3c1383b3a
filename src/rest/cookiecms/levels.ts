/**
 * CookieCMS permission levels as CookieCMS means them, mapped onto the gateway's built-in roles:
 * 0 and 1 are a plain account (no level role), 2 `premium` (HD skins, no admin scope), 3 `moderator`,
 * 4 `admin`, 5 `superadmin`. The panels treat 3 and up as staff (NEXT_PUBLIC_ADMIN_LEVEL=3).
 */
export const LEVEL_ROLES = { 2: 'premium', 3: 'moderator', 4: 'admin', 5: 'superadmin' } as const;

export type Level = 0 | 1 | keyof typeof LEVEL_ROLES;
type RoleLevel = keyof typeof LEVEL_ROLES;

const ROLE_LEVELS = Object.entries(LEVEL_ROLES).map(([level, name]) => [Number(level) as RoleLevel, name] as const);

/** The highest level a user's roles give (1 without a level role). */
export function levelOf(roles: readonly { name: string }[]): Exclude<Level, 0> {
  const names = new Set(roles.map((r) => r.name));
  let level: Exclude<Level, 0> = 1;
  for (const [lvl, name] of ROLE_LEVELS) if (names.has(name) && lvl > level) level = lvl;
  return level;
}

/**
 * The roles to give and take for a permanent level: 0 and 1 take away every level role held; 2–5
 * give that level's role and take away the other level roles held. Other roles stay.
 */
export function levelChange(roles: readonly { name: string }[], wanted: Level): { giveRoles: string[]; takeRoles: string[] } {
  const give = wanted >= 2 ? LEVEL_ROLES[wanted as RoleLevel] : null;
  const held = new Set(roles.map((r) => r.name));
  const takeRoles = ROLE_LEVELS.map(([, name]) => name).filter((name) => name !== give && held.has(name));
  return { giveRoles: give ? [give] : [], takeRoles };
}

/** The role of a level that has one (2–5), for a temporary grant; null for 0 and 1. */
export const levelRole = (level: Level): string | null => (level >= 2 ? LEVEL_ROLES[level as RoleLevel] : null);
