import { LIQUID_SCOPE_TREE, type LiquidScopeEntry } from './liquid-scopes.data.js';

export { LIQUID_SCOPE_TREE };
import { ScopeSet, scopeCovers, type Scope } from './scopes.js';

/**
 * Liquid's scope names on the gateway. Every name of Liquid's tree (liquid-scopes.data.ts) is
 * accepted and read back exactly; the gateway's catalog stays the enforced set:
 *
 * - a name in LIQUID_ENFORCED is enforced as its catalog scope: granting the name grants that scope;
 * - every other name is stored-only: kept and reported, granting nothing, and held (for reading and
 *   explainAccess) by whoever holds the catalog scope of its nearest enforced ancestor (`*` is
 *   enforced, so every name has one).
 *
 * Liquid's tree is explicit (each entry names its parent), not read from the names:
 * `admin:profile:sensitive:all` sits under `admin:all`, `client:profile:access:write` under
 * `client:profile:write`.
 */

export const LIQUID_SCOPES: ReadonlyMap<string, LiquidScopeEntry> = new Map(LIQUID_SCOPE_TREE.map((e) => [e.name, e]));

export const LIQUID_SCOPE_NAMES: readonly string[] = LIQUID_SCOPE_TREE.map((e) => e.name);

export const isLiquidScope = (name: string): boolean => LIQUID_SCOPES.has(name);

/**
 * The names the gateway enforces, each as the catalog scope that the gateway checks for what the
 * name allows. The catalog is coarser than Liquid's tree in places, and there several names map onto
 * one scope (every kind of profile write is `admin:users:write`): granting one of them grants what
 * its catalog scope covers. A parent's scope always covers its enforced children's (a unit test
 * checks it), so holding a name in Liquid's sense and in the gateway's agree.
 */
export const LIQUID_ENFORCED: Readonly<Record<string, Scope>> = {
  '*': 'admin',
  'admin:all': 'admin',
  'client:all': 'admin',
  // Roles: reading and managing them. Liquid's roles:delete and roles:all have no catalog scope of
  // their own (the catalog's admin:roles also gives roles and scopes away): stored-only.
  'admin:roles:read': 'admin:roles:read',
  'admin:roles:write': 'admin:roles:write',
  'client:roles:read': 'admin:roles:read',
  'client:roles:write': 'admin:roles:write',
  // Clients are the gateway's applications.
  'admin:system:all': 'admin:applications',
  'admin:system:client:all': 'admin:applications',
  'admin:system:client:read': 'admin:applications:read',
  // Invite codes are the gateway's invites.
  'admin:social:all': 'admin:invites',
  'admin:social:invite-code:all': 'admin:invites',
  'admin:social:invite-code:read': 'admin:invites:read',
  'admin:social:invite-code:write': 'admin:invites:write',
  'client:social:invite-code:all': 'admin:invites',
  'client:social:invite-code:read': 'admin:invites:read',
  'client:social:invite-code:write': 'admin:invites:write',
  // Profiles are the gateway's accounts.
  'admin:profile:read': 'admin:users:read',
  'admin:profile:write': 'admin:users:write',
  'admin:profile:create:write': 'admin:users:write',
  'admin:profile:custom-data:write': 'admin:users:write',
  'admin:profile:restrict:write': 'admin:users:write',
  'admin:profile:verifications:write': 'admin:users:write',
  'admin:profile:credits:write': 'admin:users:write',
  'admin:profile:ban:write': 'admin:users:ban',
  'admin:profile:access:write': 'admin:roles:grant',
  'admin:profile:login-history:read': 'admin:sessions:read',
  'admin:profile:sensitive:write': 'admin:users:write',
  'admin:profile:sensitive:low:write': 'admin:users:write',
  'admin:profile:sensitive:medium:write': 'admin:users:write',
  'admin:profile:sensitive:high:write': 'admin:users:write',
  'admin:profile:sensitive:extreme:write': 'admin:users:write',
  'client:profile:read': 'admin:users:read',
  'client:profile:write': 'admin:users:write',
  'client:profile:create:write': 'admin:users:write',
  'client:profile:custom-data:write': 'admin:users:write',
  'client:profile:restrict:write': 'admin:users:write',
  'client:profile:credits:write': 'admin:users:write',
  'client:profile:ban:write': 'admin:users:ban',
  'client:profile:login-history:read': 'admin:sessions:read',
  'client:profile:sensitive:write': 'admin:users:write',
  'client:profile:sensitive:low:write': 'admin:users:write',
  'client:profile:sensitive:medium:write': 'admin:users:write',
  'client:profile:sensitive:high:write': 'admin:users:write',
  'client:profile:sensitive:extreme:write': 'admin:users:write',
};

const enforcedAs = (name: string): Scope | undefined => (Object.hasOwn(LIQUID_ENFORCED, name) ? LIQUID_ENFORCED[name] : undefined);

function ancestorsOf(name: string): string[] {
  const out: string[] = [];
  for (let p = LIQUID_SCOPES.get(name)?.parent; p && !out.includes(p); p = LIQUID_SCOPES.get(p)?.parent) out.push(p);
  return out;
}
const ANCESTORS: ReadonlyMap<string, readonly string[]> = new Map(LIQUID_SCOPE_NAMES.map((n) => [n, ancestorsOf(n)]));

/** The strict ancestors of a Liquid name, nearest first (`[]` for `*` and unknown names). */
export const liquidAncestors = (name: string): string[] => [...(ANCESTORS.get(name) ?? [])];

const coveredIn = (held: ReadonlySet<string>, name: string) => held.has(name) || (ANCESTORS.get(name) ?? []).some((a) => held.has(a));

/** The enforced name that decides who holds `name`: itself, or its nearest enforced ancestor. */
export function enforcingName(name: string): string {
  if (enforcedAs(name)) return name;
  return liquidAncestors(name).find((a) => enforcedAs(a)) ?? '*';
}

/** The catalog scope whose holders hold `name`: its own, or that of its nearest enforced ancestor. */
export const enforcingScope = (name: string): Scope => enforcedAs(enforcingName(name)) ?? 'admin';

/** Whether a stored-only name (granting nothing itself). */
export const isStoredOnly = (name: string): boolean => isLiquidScope(name) && !enforcedAs(name);

/** Liquid's isScopeAllowed: `name` is in `held`, or one of its ancestors is. */
export function liquidCovers(held: readonly string[], name: string): boolean {
  return coveredIn(new Set(held), name);
}

/** Every name of the tree that `held` covers in Liquid's sense. */
const closureOf = (held: readonly string[]): string[] => {
  const set = new Set(held);
  return LIQUID_SCOPE_NAMES.filter((n) => coveredIn(set, n));
};

/** Liquid's (and Nitrogen's) folding: without repeats, and without a name whose ancestor is in the list. Order kept. */
export function foldLiquid(names: readonly string[]): string[] {
  const unique = new Set(names);
  return [...unique].filter((n) => !(ANCESTORS.get(n) ?? []).some((a) => unique.has(a)));
}

/** The catalog scopes that granting these names grants (stored-only names grant none), without repeats. */
export function catalogScopesOf(names: readonly string[]): Scope[] {
  return [...new Set(names.flatMap((n) => enforcedAs(n) ?? []))];
}

/** Whose names: a user's and a role's read from the admin branch, a client's from the client branch. */
export type LiquidHolder = 'user' | 'role' | 'client';

const inBranch = (holder: LiquidHolder, name: string) => (holder === 'client' ? !name.startsWith('admin:') : !name.startsWith('client:'));

/**
 * The Liquid names an entity holds, as its `scope[]`: the names stored for it, exactly and in their
 * order (an enforced one only while the entity's catalog scopes still cover its scope, so a grant
 * taken away through GraphQL leaves Liquid's view too), then the names its other catalog scopes
 * map to (those no stored name accounts for, e.g. given through GraphQL or a built-in role), folded
 * as Liquid folds and left out where a name already listed covers them.
 */
export function liquidNamesOf(holder: LiquidHolder, catalogScopes: readonly string[], stored: readonly string[]): string[] {
  if (catalogScopes.length === 0 && stored.length === 0) return [];
  const held = new ScopeSet(catalogScopes);
  const kept = [...new Set(stored)].filter((n) => {
    const scope = enforcedAs(n);
    return isLiquidScope(n) && (!scope || held.has(scope));
  });
  // A grant is accounted for by a stored name that covers, in Liquid's sense, a name enforced as it.
  const explained = new ScopeSet(catalogScopesOf(closureOf(kept)));
  const open = catalogScopes.filter((c) => !explained.has(c));
  const derived = LIQUID_SCOPE_NAMES.filter((n) => {
    const scope = enforcedAs(n);
    return scope && inBranch(holder, n) && open.some((c) => scopeCovers(c, scope));
  });
  const keptSet = new Set(kept);
  return [...kept, ...foldLiquid(derived).filter((d) => !coveredIn(keptSet, d))];
}

/** The Liquid names a catalog scope covers (each held by whoever holds the scope), folded. */
export function liquidNamesCoveredBy(scope: string): string[] {
  return foldLiquid(LIQUID_SCOPE_NAMES.filter((n) => scopeCovers(scope, enforcingScope(n))));
}

/** Liquid names not in the tree (what a request must not be allowed to store). */
export const unknownLiquidScopes = (names: readonly string[]): string[] => names.filter((n) => !isLiquidScope(n));

export type LiquidOperation = 'SET' | 'ADD' | 'REMOVE';

/** What a Liquid access change does to one entity: its names and catalog scopes before and after. */
export interface LiquidPlan {
  /** The names the entity read back before (liquidNamesOf). */
  before: string[];
  /** The names it reads back after: what is stored from now on, exactly. */
  after: string[];
  /** Its catalog scopes after the change. */
  scopes: string[];
  /** Names given or taken away (neither covered before nor after, in Liquid's sense). */
  changedNames: string[];
  /** Catalog scopes given or taken away. */
  changedScopes: string[];
}

/**
 * Applies Liquid's operation (`set`, `add`, `del`) to what the entity reads back, and says which
 * catalog scopes follow: a catalog grant stays unless it covers (or lies under) the scope of a name
 * taken away, and the scopes of
 * the names after are added where no grant left covers them. So `set` with the list read back
 * changes nothing; taking away a name that a broader grant covers (admin:profile:read out of
 * admin:users) replaces that grant by the scopes of the names left.
 */
export function planLiquidScopes(
  holder: LiquidHolder,
  catalogScopes: readonly string[],
  stored: readonly string[],
  names: readonly string[],
  operation: LiquidOperation,
): LiquidPlan {
  const before = liquidNamesOf(holder, catalogScopes, stored);
  const given = [...new Set(names)];
  const after =
    operation === 'SET' ? given : operation === 'ADD' ? [...before, ...given.filter((n) => !before.includes(n))] : before.filter((n) => !given.includes(n));
  const beforeSet = new Set(before);
  const afterSet = new Set(after);
  const removed = before.filter((n) => !coveredIn(afterSet, n));
  const added = after.filter((n) => !coveredIn(beforeSet, n));
  // Every name held before (in Liquid's sense) and not after: a stored-only name taken away uncovers
  // the grants of the enforced names under it too.
  const removedScopes = catalogScopesOf(LIQUID_SCOPE_NAMES.filter((n) => coveredIn(beforeSet, n) && !coveredIn(afterSet, n)));
  // A grant goes when it covers a name taken away, or lies under one (taking `*` away takes admin:users:read too).
  const kept = catalogScopes.filter((c) => !removedScopes.some((r) => scopeCovers(c, r) || scopeCovers(r, c)));
  const keptSet = new ScopeSet(kept);
  const scopes = [...kept, ...catalogScopesOf(after).filter((s) => !keptSet.has(s))];
  const changedScopes = [...scopes.filter((s) => !catalogScopes.includes(s)), ...catalogScopes.filter((s) => !scopes.includes(s))];
  return { before, after, scopes, changedNames: [...removed, ...added], changedScopes };
}
