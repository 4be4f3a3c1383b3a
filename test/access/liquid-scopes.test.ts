import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  catalogScopesOf,
  enforcingName,
  enforcingScope,
  foldLiquid,
  isStoredOnly,
  LIQUID_ENFORCED,
  LIQUID_SCOPE_NAMES,
  LIQUID_SCOPES,
  liquidAncestors,
  liquidCovers,
  liquidNamesCoveredBy,
  liquidNamesOf,
  planLiquidScopes,
  type LiquidHolder,
} from '../../src/access/liquid-scopes.js';
import { LIQUID_DEFAULT_ROLES } from '../../src/access/liquid-scopes.data.js';
import { ALL_SCOPES, isScope, scopeCovers } from '../../src/access/scopes.js';

const HOLDERS: LiquidHolder[] = ['user', 'role', 'client'];
const sameSet = (a: readonly string[], b: readonly string[]) => expect([...a].sort()).toEqual([...new Set(b)].sort());

describe("Liquid's scope tree as data", () => {
  it('is the whole tree of scopes.json: one root, every parent named, no cycle', () => {
    expect(LIQUID_SCOPE_NAMES).toHaveLength(98);
    expect(new Set(LIQUID_SCOPE_NAMES).size).toBe(98);
    expect(LIQUID_SCOPE_NAMES.filter((n) => !LIQUID_SCOPES.get(n)!.parent)).toEqual(['*']);
    for (const name of LIQUID_SCOPE_NAMES) {
      const parent = LIQUID_SCOPES.get(name)!.parent;
      if (parent) expect(LIQUID_SCOPES.has(parent), `${name} → ${parent}`).toBe(true);
      if (name !== '*') expect(liquidAncestors(name).at(-1), name).toBe('*');
    }
    // The tree is explicit, not read from the names.
    expect(liquidAncestors('admin:profile:sensitive:low:write')).toEqual(['admin:profile:sensitive:write', 'admin:profile:sensitive:all', 'admin:all', '*']);
    expect(liquidAncestors('client:profile:access:write')).toEqual(['client:profile:write', 'client:profile:all', 'client:all', '*']);
    expect(LIQUID_DEFAULT_ROLES.map((r) => [r.id, r.ranking])).toEqual([
      ['super_admin', 1],
      ['admin', 2],
      ['user', 100],
      ['internal_client', 2],
      ['external_client', 100],
    ]);
  });
});

describe('the mapping onto the catalog', () => {
  it('maps only names of the tree onto scopes of the catalog', () => {
    for (const [name, scope] of Object.entries(LIQUID_ENFORCED)) {
      expect(LIQUID_SCOPES.has(name), name).toBe(true);
      expect(isScope(scope), `${name} → ${scope}`).toBe(true);
    }
    expect(LIQUID_ENFORCED['admin:profile:read']).toBe('admin:users:read');
    expect(LIQUID_ENFORCED['admin:all']).toBe('admin');
    expect(LIQUID_ENFORCED['admin:system:client:read']).toBe('admin:applications:read');
    expect(isStoredOnly('delegated:profile:search')).toBe(true);
    expect(isStoredOnly('admin:profile:read')).toBe(false);
    expect(isStoredOnly('made:up')).toBe(false);
  });

  it("a parent's scope covers its enforced descendants' scopes (holding agrees in both senses)", () => {
    for (const [name, scope] of Object.entries(LIQUID_ENFORCED)) {
      for (const ancestor of liquidAncestors(name)) {
        const above = LIQUID_ENFORCED[ancestor];
        if (above) expect(scopeCovers(above, scope), `${ancestor} (${above}) over ${name} (${scope})`).toBe(true);
      }
    }
  });

  it('a stored-only name is held with the scope of its nearest enforced ancestor', () => {
    expect(enforcingName('admin:system:internal-client:write')).toBe('admin:system:client:all');
    expect(enforcingScope('admin:system:internal-client:write')).toBe('admin:applications');
    expect(enforcingScope('admin:roles:delete')).toBe('admin');
    expect(enforcingScope('delegated:profile:search')).toBe('admin');
    expect(enforcingScope('client:profile:access:write')).toBe('admin:users:write');
    expect(enforcingScope('admin:profile:read')).toBe('admin:users:read');
    for (const name of LIQUID_SCOPE_NAMES) expect(isScope(enforcingScope(name)), name).toBe(true);
  });

  it('folds as Liquid folds and covers as Liquid covers', () => {
    expect(foldLiquid(['admin:profile:read', 'admin:all', 'admin:profile:read', 'delegated:all'])).toEqual(['admin:all', 'delegated:all']);
    expect(liquidCovers(['admin:profile:sensitive:write'], 'admin:profile:sensitive:high:write')).toBe(true);
    expect(liquidCovers(['admin:profile:all'], 'admin:profile:sensitive:high:write')).toBe(false);
    expect(catalogScopesOf(['admin:profile:read', 'client:profile:read', 'delegated:all'])).toEqual(['admin:users:read']);
    expect(liquidNamesCoveredBy('admin')).toEqual(['*']);
    expect(liquidNamesCoveredBy('admin:users:read')).toEqual(['client:profile:read', 'admin:profile:read']);
  });
});

describe('reading names back', () => {
  it('catalog scopes read as the names they map to, folded, in the holder’s branch', () => {
    for (const holder of HOLDERS) expect(liquidNamesOf(holder, ['admin'], [])).toEqual(['*']);
    expect(liquidNamesOf('user', ['admin:applications'], [])).toEqual(['admin:system:all']);
    expect(liquidNamesOf('client', ['admin:users:read'], [])).toEqual(['client:profile:read']);
    expect(liquidNamesOf('user', ['admin:mail:send', 'admin:audit:read'], [])).toEqual([]);
  });

  it('stored names read back exactly, in their order; an enforced one only while its scope is held', () => {
    expect(liquidNamesOf('user', ['admin:users:read'], ['delegated:all', 'admin:profile:read'])).toEqual(['delegated:all', 'admin:profile:read']);
    expect(liquidNamesOf('user', [], ['delegated:all', 'admin:profile:read'])).toEqual(['delegated:all']);
    // A broader grant given through GraphQL reads as its names beside the stored ones.
    expect(liquidNamesOf('user', ['admin:users:read', 'admin:invites'], ['admin:profile:read'])).toEqual(['admin:profile:read', 'admin:social:all']);
  });
});

describe('planning a Liquid access change', () => {
  it('every name, for every holder, alone: set, then read back exactly', () => {
    for (const holder of HOLDERS) {
      for (const name of LIQUID_SCOPE_NAMES) {
        const plan = planLiquidScopes(holder, [], [], [name], 'SET');
        expect(plan.after).toEqual([name]);
        expect(liquidNamesOf(holder, plan.scopes, plan.after), `${holder} ${name}`).toEqual([name]);
      }
    }
  });

  it('property: any set of names reads back as that set; SET with it again changes nothing', () => {
    const names = fc.uniqueArray(fc.constantFrom(...LIQUID_SCOPE_NAMES), { maxLength: 12 });
    const catalog = fc.uniqueArray(fc.constantFrom(...ALL_SCOPES), { maxLength: 4 });
    fc.assert(
      fc.property(fc.constantFrom(...HOLDERS), catalog, names, names, (holder, scopes, stored, wanted) => {
        const plan = planLiquidScopes(holder, scopes, stored, wanted, 'SET');
        const read = liquidNamesOf(holder, plan.scopes, plan.after);
        sameSet(read, wanted);
        // What a client reads, it sends back: nothing changes.
        const again = planLiquidScopes(holder, scopes, stored, liquidNamesOf(holder, scopes, stored), 'SET');
        expect(again.changedScopes).toEqual([]);
        expect(again.changedNames).toEqual([]);
        sameSet(again.scopes, scopes);
      }),
      { numRuns: 400 },
    );
  });

  it('add and del act on what is read back', () => {
    const added = planLiquidScopes('user', ['admin:users:read'], [], ['delegated:all'], 'ADD');
    expect(added.after).toEqual(['admin:profile:read', 'delegated:all']);
    expect(added.scopes).toEqual(['admin:users:read']);
    expect(added.changedScopes).toEqual([]);
    const removed = planLiquidScopes('user', ['admin:users:read'], ['admin:profile:read', 'delegated:all'], ['admin:profile:read'], 'REMOVE');
    expect(removed.after).toEqual(['delegated:all']);
    expect(removed.scopes).toEqual([]);
    expect(removed.changedScopes).toEqual(['admin:users:read']);
  });

  it('taking away a name a broader grant covers replaces that grant by the scopes of the names left', () => {
    const narrowed = planLiquidScopes('user', ['admin:users', 'admin:mail:send'], [], ['admin:profile:read'], 'SET');
    expect(narrowed.scopes).toEqual(['admin:mail:send', 'admin:users:read']);
    const all = planLiquidScopes('user', ['admin', 'admin:users:read'], [], [], 'SET');
    expect(all.scopes).toEqual([]);
    expect(all.changedNames).toEqual(['*']);
  });
});
