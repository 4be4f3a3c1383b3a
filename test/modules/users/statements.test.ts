import { describe, expect, it } from 'vitest';
import { useGateway } from '../../helpers/app.js';
import { statementsOfRequest } from '../../helpers/db.js';

const gw = useGateway();

const statementsOf = (query: string, token: string) => statementsOfRequest(() => gw.gql(query, {}, token));

describe('SQL per request', () => {
  it("one statement for a page with its count and its users' roles (roles register a projection)", async () => {
    const admin = await gw.user({ roles: ['admin'] });
    for (let i = 0; i < 5; i++) await gw.user({ roles: i % 2 ? ['moderator'] : [] });
    const page = await statementsOf('{ users(first: 50) { edges { node { id username email createdAt roles { name } } } } }', admin.token);
    expect(page.res.body.errors).toBeUndefined();
    expect(page.res.body.data.users.edges.length).toBeGreaterThan(5);
    expect(page.statements).toHaveLength(1);
    expect(page.statements[0]).toContain('user_roles');
    expect(page.res.body.data.users.edges.find((e: { node: { id: string } }) => e.node.id === admin.gid).node.roles).toEqual([{ name: 'admin' }]);
    const counted = await statementsOf('{ users(first: 50) { totalCount edges { node { id roles { name } } } } }', admin.token);
    expect(counted.statements).toHaveLength(1);
    // Unfiltered, totalCount reads the kept count (db/counts.ts); a filter counts its matches.
    // (its count(*) is the fallback for a missing row_counts row, which PostgreSQL evaluates only then)
    expect(counted.statements[0]).toContain('from "row_counts"');
    expect(counted.statements[0]).not.toMatch(/count\(\*\)::int from "users" where/);
    const filtered = await statementsOf('{ users(first: 50, filter: { local: true }) { totalCount edges { node { id } } } }', admin.token);
    expect(filtered.statements).toHaveLength(1);
    expect(filtered.statements[0]).toMatch(/count\(\*\)::int from "users" where/);
    expect(filtered.statements[0]).not.toContain('row_counts');
    const flat = await statementsOf('{ users(first: 50) { totalCount edges { node { id username } } } }', admin.token);
    expect(flat.statements).toHaveLength(1);
  });

  it('builds only the selected columns, and no roles unless asked', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    const { statements } = await statementsOf('{ users(first: 5) { edges { node { username } } } }', admin.token);
    expect(statements[0]).toContain('"username"');
    expect(statements[0]).not.toContain('"email"');
    expect(statements).toHaveLength(1);
    expect(statements[0]).not.toContain('user_roles');
  });

  it('a caller without the scope causes no data statement at all', async () => {
    const plain = await gw.user();
    const { res, statements } = await statementsOf('{ users(first: 5) { edges { node { email roles { name } } } } }', plain.token);
    expect(res.body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(statements).toEqual([]);
  });
});
