import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { INPUT_LIMITS } from '../../src/graphql/input-limits.js';
import { useGateway } from '../helpers/app.js';
import { restClient } from '../helpers/clients.js';

const gw = useGateway();

// "-" is in no username, so these terms match nobody.
const terms = (n: number) => Array.from({ length: n }, (_, i) => ({ username: { contains: `-${i}` } }));
const nested = (depth: number): Record<string, unknown> => (depth === 0 ? { local: true } : { and: [nested(depth - 1)] });
const PAGE = 'query($f: UserFilter) { users(first: 5, filter: $f) { totalCount } }';

async function auditRows() {
  const [row] = await gw.database.rows<{ n: number }>(sql`select count(*)::int as n from audit_log`);
  return row.n;
}

describe('filter and list caps, before coercion', () => {
  it('refuses 200 or-terms in variables and inline with a clear 400 BAD_INPUT', async () => {
    const moderator = await gw.user({ roles: ['moderator'] });
    const inVariables = await gw.gql(PAGE, { f: { or: terms(200) } }, moderator.token);
    expect(inVariables.status).toBe(400);
    expect(inVariables.body.errors[0].extensions.code).toBe('BAD_INPUT');
    expect(inVariables.body.errors[0].message).toMatch(/at most 50 terms/);
    const inline = `{ users(first: 5, filter: { or: [${terms(60)
      .map((_, i) => `{ username: { contains: "-${i}" } }`)
      .join(', ')}] }) { totalCount } }`;
    const inlineRes = await gw.gql(inline, {}, moderator.token);
    expect(inlineRes.status).toBe(400);
    expect(inlineRes.body.errors[0].extensions.code).toBe('BAD_INPUT');
    // Terms split over several variables still count as one tree.
    const split = await gw.gql(
      'query($a: [UserFilter!], $b: [UserFilter!]) { users(first: 5, filter: { or: [{ or: $a }, { or: $b }] }) { totalCount } }',
      { a: terms(30), b: terms(30) },
      moderator.token,
    );
    expect(split.status).toBe(400);
    // At the cap it runs.
    const ok = await gw.gql(PAGE, { f: { or: terms(INPUT_LIMITS.terms) } }, moderator.token);
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data.users.totalCount).toBe(0);
  });

  it('refuses filters nested deeper than 8, 1,000 deep and 66,000 terms alike, unused variables included, anonymous callers too', async () => {
    const moderator = await gw.user({ roles: ['moderator'] });
    const ok = await gw.gql(PAGE, { f: nested(INPUT_LIMITS.depth - 1) }, moderator.token);
    expect(ok.body.errors).toBeUndefined();
    for (const f of [nested(INPUT_LIMITS.depth), nested(1000), { or: terms(66_000).map(() => ({})) }]) {
      const res = await gw.gql(PAGE, { f }, moderator.token);
      expect(res.status).toBe(400);
      expect(res.body.errors[0].extensions.code).toBe('BAD_INPUT');
    }
    const unused = await gw.gql('query($f: UserFilter) { __typename }', { f: nested(1000) }, null);
    expect(unused.status).toBe(400);
    expect(unused.body.errors[0].extensions.code).toBe('BAD_INPUT');
  });

  it('refuses filter lists over 1,000 items and any list over 10,000; a write refused by the cap writes nothing', async () => {
    const admin = await gw.user({ roles: ['superadmin'] });
    const tags = (n: number) => Array.from({ length: n }, (_, i) => `t${i}`);
    const inFilter = await gw.gql(PAGE, { f: { tags: { any: tags(1001) } } }, admin.token);
    expect(inFilter.status).toBe(400);
    expect(inFilter.body.errors[0].message).toMatch(/at most 1000 items/);
    expect((await gw.gql(PAGE, { f: { tags: { any: tags(1000) } } }, admin.token)).body.errors).toBeUndefined();
    const before = await auditRows();
    const res = await gw.gql(
      'mutation($input: TagUsersInput!) { tagUsers(input: $input) { __typename } }',
      { input: { usernames: [admin.username], tags: tags(10_001) } },
      admin.token,
    );
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(400);
    expect(res.body.errors[0].extensions.code).toBe('BAD_INPUT');
    expect(res.body.errors[0].message).toMatch(/at most 10000 items/);
    expect(await auditRows()).toBe(before);
  });

  it('a shim route refuses oversize lists in its own envelope', async () => {
    const admin = await gw.user({ roles: ['superadmin'] });
    const pleroma = restClient(gw, '/api/pleroma/admin');
    const tags = Array.from({ length: 1001 }, (_, i) => `t${i}`);
    const res = await pleroma('PUT', '/users/tag', admin.token, { nicknames: [admin.username], tags });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/tags/);
  });
});
