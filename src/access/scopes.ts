import { z } from 'zod';
/**
 * The one scope catalog. Scopes form a tree by their `:`-separated names: holding a scope grants
 * every scope below it (`admin` grants `admin:users`, which grants `admin:users:read`).
 */
export const SCOPE_CATALOG = {
  admin: 'Everything an administrator can do',
  'admin:users': 'Manage accounts',
  'admin:users:read': 'Read accounts, their profile data and roles',
  'admin:users:write': 'Create and change accounts',
  'admin:users:delete': 'Soft delete and restore accounts',
  'admin:users:ban': 'Suspend and unsuspend accounts, activate and deactivate them',
  'admin:users:erase': 'Remove personal data for good',
  'admin:roles': 'Manage roles and grants',
  'admin:roles:read': 'Read roles and explain who holds what',
  'admin:roles:write': 'Create, change and delete roles',
  'admin:roles:grant': 'Give and take away roles and direct scopes',
  'admin:sessions': 'Manage sign-in sessions',
  'admin:sessions:read': "List anyone's sessions",
  'admin:sessions:write': "End anyone's sessions",
  'admin:applications': 'Manage OAuth applications',
  'admin:applications:read': 'Read applications (never their secrets)',
  'admin:applications:write': 'Create, change, rotate and delete applications',
  'admin:mail': 'Mail',
  'admin:mail:send': 'Mail every user and follow the job',
  'admin:invites': 'Manage registration invites',
  'admin:invites:read': 'Read invites',
  'admin:invites:write': 'Create and revoke invites',
  'admin:audit': 'Audit log',
  'admin:audit:read': 'Read and verify the audit log',
  // Litecord guilds and voice (modules/guilds, modules/voice).
  'admin:guilds': 'Manage guilds (Litecord)',
  'admin:guilds:read': 'Read guilds',
  'admin:guilds:write': 'Create, change and delete guilds, and their features',
  'admin:voice': 'Manage voice regions and servers (Litecord)',
  'admin:voice:read': 'Read voice regions and their servers',
  'admin:voice:write': 'Create and deprecate voice regions, add voice servers',
  'admin:follows': 'Follows between accounts',
  'admin:follows:read': 'Read who follows whom, and the counts',
  'admin:follows:write': 'Make accounts follow and unfollow one another (stored only, never federated)',
  'admin:relays': "The instance's relay subscriptions",
  'admin:relays:read': 'List relay subscriptions and their state',
  'admin:relays:write': 'Follow and unfollow relays (delivers signed ActivityPub Follow and Undo)',
  'admin:media': 'Images (avatars, flags, skins, capes)',
  'admin:media:write': 'Upload images into the media store',
  'admin:webhooks': 'Signed webhooks (audit events delivered to endpoints)',
  'admin:webhooks:read': 'List webhook endpoints and their delivery logs (never their secrets)',
  'admin:webhooks:write': 'Create, change, rotate the secret of and delete webhook endpoints',
  'admin:profiles': 'pronouns.cc profiles and pride flags (their users edit them; admins moderate)',
  'admin:profiles:read': 'Read any profile, public or not, with its self-only fields',
  'admin:profiles:write': 'Publish, hide and clear parts of profiles and pride flags, with a reason',
  // Minecraft skins and capes (CookieCMS; modules/skins).
  'admin:skins': 'Minecraft skins and capes (CookieCMS)',
  'admin:skins:read': 'Read skins, capes, who owns them and who wears what',
  'admin:skins:write': 'Upload, change and delete skins and capes; give and take capes',
  'admin:metrics': 'Operational metrics',
  'admin:metrics:read': 'Scrape /metrics (request counts and latencies, pool, outboxes, sessions, subscribers)',
} as const;

export type Scope = keyof typeof SCOPE_CATALOG;

export const ALL_SCOPES = Object.keys(SCOPE_CATALOG) as Scope[];

export function isScope(value: string): value is Scope {
  return Object.hasOwn(SCOPE_CATALOG, value);
}

/** True when `held` is `wanted` or one of its ancestors. */
export function scopeCovers(held: string, wanted: string): boolean {
  return held === wanted || wanted.startsWith(`${held}:`);
}

/** OAuth scopes a token may carry to narrow what its user's scopes allow: `read` reads, `write` writes. */
export const TOKEN_SCOPES = ['read', 'write'] as const;

/** A read scope (`admin:users:read`); every other catalog scope is a write (write, delete, ban, grant, send...). */
export function isReadScope(scope: string): boolean {
  return scope.endsWith(':read');
}

/**
 * A user's effective scopes; answers membership through the hierarchy. With `tokenScopes` (the
 * OAuth scopes of the token in use) the set is narrowed: without `read` it holds none of the read
 * scopes, without `write` none of the others. A token can only narrow, never add.
 */
export class ScopeSet {
  private readonly held: readonly string[];
  private readonly memo = new Map<string, boolean>();
  private readonly reads: boolean;
  private readonly writes: boolean;

  constructor(held: Iterable<string>, tokenScopes: readonly string[] | null = null) {
    this.held = [...new Set(held)];
    this.reads = tokenScopes === null || tokenScopes.includes('read');
    this.writes = tokenScopes === null || tokenScopes.includes('write');
  }

  has(wanted: string): boolean {
    let hit = this.memo.get(wanted);
    if (hit === undefined) {
      hit = (isReadScope(wanted) ? this.reads : this.writes) && this.held.some((h) => scopeCovers(h, wanted));
      this.memo.set(wanted, hit);
    }
    return hit;
  }
}

/** Scopes of the catalog (at most 50), without repeats: what roles and applications may carry. */
export const scopeList = z
  .array(z.string())
  .max(50)
  .superRefine((list, ctx) => {
    for (const [i, s] of list.entries()) if (!isScope(s)) ctx.addIssue({ code: 'custom', path: [i], message: `${s} is not a scope of the catalog` });
  })
  .transform((list) => [...new Set(list)]);
