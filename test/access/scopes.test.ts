import { describe, expect, it } from 'vitest';
import { ALL_SCOPES, ScopeSet, scopeCovers } from '../../src/access/scopes.js';
import { roles } from '../../src/modules/roles/table.js';
import { useGateway } from '../helpers/app.js';

const gw = useGateway();

describe('the scope catalog', () => {
  it('is a tree: a scope grants itself and everything below it, nothing beside it', () => {
    expect(scopeCovers('admin', 'admin:users:read')).toBe(true);
    expect(scopeCovers('admin:users', 'admin:users:delete')).toBe(true);
    expect(scopeCovers('admin:users', 'admin:usersX')).toBe(false);
    expect(scopeCovers('admin:users:read', 'admin:users')).toBe(false);
    const mod = new ScopeSet(['admin:users:read', 'admin:users:write']);
    expect(mod.has('admin:users:write')).toBe(true);
    expect(mod.has('admin:users:delete')).toBe(false);
    expect(mod.has('admin:audit:read')).toBe(false);
  });

  it('built-in roles exist and name only catalog scopes', async () => {
    const rows = await gw.database.db.select().from(roles);
    expect(rows.map((r) => r.name).sort()).toEqual(['admin', 'moderator', 'premium', 'superadmin']);
    expect(rows.every((r) => r.builtIn)).toBe(true);
    for (const role of rows) for (const scope of role.scopes) expect(ALL_SCOPES).toContain(scope);
    const rank = Object.fromEntries(rows.map((r) => [r.name, r.rank]));
    expect(rank.superadmin).toBeGreaterThan(rank.admin);
    expect(rank.admin).toBeGreaterThan(rank.moderator);
    // CookieCMS level 2 (HD skins): below moderator, with no admin scope at all.
    expect(rank.moderator).toBeGreaterThan(rank.premium);
    expect(rows.find((r) => r.name === 'premium')?.scopes).toEqual([]);
  });
});
