import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useGateway } from '../helpers/app.js';
import { mutate } from '../helpers/clients.js';
import { onPostgres } from '../helpers/db.js';
import { openInstance, type Instance } from '../helpers/instance.js';

// Two gateway instances need a server both can reach; PGlite lives inside one process.
describe.runIf(onPostgres)('revocation is immediate on every instance', () => {
  const gw = useGateway();
  let other: Instance;
  beforeAll(async () => {
    other = await openInstance(gw.url!);
  });
  afterAll(() => other?.close());

  it('a session revoked on one instance is refused by the other on the very next request, every time', async () => {
    for (let i = 0; i < 10; i++) {
      const user = await gw.user();
      expect((await other.gql('{ viewer { id } }', {}, user.token)).body.data.viewer.id).toBe(user.gid);
      const revoked = await mutate(gw, 'revokeSession', { id: user.sessionId }, user.token);
      expect(revoked.__typename).toBe('RevokeSessionSuccess');
      const after = await other.gql('{ viewer { id } }', {}, user.token);
      expect(after.body.errors[0].extensions.code, `try ${i}`).toBe('UNAUTHENTICATED');
    }
  }, 120_000);

  it('a user suspended on one instance is refused by the other on the very next request, every time', async () => {
    const admin = await gw.user({ roles: ['admin'] });
    for (let i = 0; i < 10; i++) {
      const user = await gw.user();
      expect((await other.gql('{ viewer { id } }', {}, user.token)).body.data.viewer.id).toBe(user.gid);
      expect((await mutate(gw, 'suspendUser', { id: user.gid, reason: 'test' }, admin.token)).__typename).toBe('SuspendUserSuccess');
      const after = await other.gql('{ viewer { id } }', {}, user.token);
      expect(after.body.errors[0].extensions.code, `try ${i}`).toBe('UNAUTHENTICATED');
    }
  }, 120_000);

  it('a role removed on one instance no longer counts on the other', async () => {
    const admin = await gw.user({ roles: ['superadmin'] });
    for (let i = 0; i < 5; i++) {
      const moderator = await gw.user({ roles: ['moderator'] });
      expect((await other.gql('{ users(first: 1) { totalCount } }', {}, moderator.token)).body.data.users.totalCount).toBeGreaterThan(0);
      expect((await mutate(gw, 'revokeRole', { userId: moderator.gid, role: 'moderator' }, admin.token)).__typename).toBe('RevokeRoleSuccess');
      const after = await other.gql('{ users(first: 1) { totalCount } }', {}, moderator.token);
      expect(after.body.errors[0].extensions.code, `try ${i}`).toBe('FORBIDDEN');
    }
  }, 120_000);
});
