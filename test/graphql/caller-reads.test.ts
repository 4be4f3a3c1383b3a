import { describe, expect, it } from 'vitest';
import { CallerReads } from '../../src/graphql/caller-reads.js';
import { revokeSession } from '../../src/modules/sessions/actions.js';
import { useGateway } from '../helpers/app.js';
import { statementLog } from '../helpers/db.js';

const callerReads = () => statementLog.filter((q) => q.includes('from sessions s where s.id')).length;

describe('caller reads shared among concurrent requests', () => {
  const gw = useGateway();

  it('requests of one caller in flight together share reads, and each gets its caller', async () => {
    const user = await gw.user();
    statementLog.length = 0;
    const answers = await Promise.all(Array.from({ length: 12 }, () => gw.gql('{ viewer { id } }', {}, user.token)));
    for (const a of answers) expect(a.body.data.viewer.id).toBe(user.gid);
    // Requests that arrive in one turn of the event loop share a read; never one per request.
    expect(callerReads()).toBeGreaterThan(0);
    expect(callerReads()).toBeLessThan(12);
  });

  it('different callers are never answered with each other', async () => {
    const users = await Promise.all(Array.from({ length: 4 }, () => gw.user()));
    const answers = await Promise.all(users.flatMap((u) => [0, 1, 2].map(async () => ({ u, a: await gw.gql('{ viewer { id } }', {}, u.token) }))));
    for (const { u, a } of answers) expect(a.body.data.viewer.id).toBe(u.gid);
  });

  it('a request arriving after a revocation commits is refused, even while a read from before it is under way', async () => {
    for (let i = 0; i < 5; i++) {
      const user = await gw.user();
      const reads = new CallerReads(gw.app.auth);
      const header = `Bearer ${user.token}`;
      const before = reads.read(header, gw.database.reserved);
      await revokeSession(gw.system, user.sessionId, 'test');
      const after = await reads.read(header, gw.database.reserved);
      // The read begun before the revocation may see it or not (they race); the one after must.
      await before;
      expect(after.viewer, `try ${i}`).toBeNull();
      expect(after.authError?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('a refused token is refused for every request sharing its read', async () => {
    const user = await gw.user();
    await revokeSession(gw.system, user.sessionId, 'test');
    const answers = await Promise.all(Array.from({ length: 6 }, () => gw.gql('{ viewer { id } }', {}, user.token)));
    for (const a of answers) expect(a.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });
});
