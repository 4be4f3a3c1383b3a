import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useGateway } from '../helpers/app.js';
import { onPostgres } from '../helpers/db.js';
import { openInstance, type Instance } from '../helpers/instance.js';
import { startProxy, type TcpProxy } from '../helpers/proxy.js';
import { until } from '../helpers/wait.js';

// PGlite runs in process and cannot be taken away.
describe.runIf(onPostgres)('the database down: fast, clear failures, then recovery by itself', () => {
  const gw = useGateway();
  let proxy: TcpProxy;
  let gateway: Instance;
  let token: string;

  beforeAll(async () => {
    const url = new URL(gw.url!);
    proxy = await startProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    gateway = await openInstance(url.toString(), { DB_CONNECT_TIMEOUT: '1' });
    token = (await gw.user({ roles: ['superadmin'] })).token;
  });
  afterAll(async () => {
    await gateway?.close();
    await proxy?.close();
  });

  it('answers 503 UNAVAILABLE on GraphQL, each shim in its own envelope, and readyz; recovers when the database returns', async () => {
    expect((await gateway.gql('{ viewer { id } }', {}, token)).status).toBe(200);
    await proxy.down();

    const ready = await gateway.request('/readyz');
    expect(ready.status).toBe(503);
    for (const query of ['{ viewer { id } }', '{ users(first: 5) { totalCount } }']) {
      const res = await gateway.gql(query, {}, token);
      expect(res.status, JSON.stringify(res.body)).toBe(503);
      expect(res.body.errors[0].extensions.code).toBe('UNAVAILABLE');
    }
    const login = await gateway.gql('mutation { login(username: "nobody", password: "wrong-password") { __typename } }');
    expect(login.status).toBe(503);
    expect(login.body.errors[0].extensions.code).toBe('UNAVAILABLE');

    const shims: [string, (body: any) => void][] = [
      ['/api/pleroma/admin/users', (b) => expect(b.error).toMatch(/unavailable/)],
      ['/api/v6/admin/users?username=a', (b) => expect(b).toMatchObject({ error: true, status: 503 })],
      ['/user/admin-api/list', (b) => expect(b).toMatchObject({ ok: 0, error: 'ServiceUnavailable' })],
      ['/api/admin/users', (b) => expect(b).toMatchObject({ error: true })],
    ];
    for (const [path, check] of shims) {
      const res = await gateway.request(path, { token });
      expect(res.status, path).toBe(503);
      check(await res.json());
    }

    await proxy.up();
    await until(async () => (await gateway.request('/readyz')).status === 200, 'readyz after the database returned');
    await until(async () => (await gateway.gql('{ viewer { id } }', {}, token)).status === 200, 'a request after the database returned');
    const page = await gateway.gql('{ users(first: 5) { totalCount } }', {}, token);
    expect(page.body.data.users.totalCount).toBeGreaterThan(0);
  }, 120_000);
});
