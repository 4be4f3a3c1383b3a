import { createApp, type App } from '../../src/app.js';
import { postgresOptions } from '../../src/bootstrap.js';
import { openPostgres, type Database } from '../../src/db/client.js';
import { testConfig } from './app.js';

/** One more gateway instance over an existing PostgreSQL database, with its own pool settings. */
export interface Instance {
  app: App;
  database: Database;
  gql(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<{ status: number; body: any }>;
  request(path: string, init?: RequestInit & { token?: string | null }): Promise<Response>;
  close(): Promise<void>;
}

export async function openInstance(url: string, env: Record<string, string> = {}): Promise<Instance> {
  const config = testConfig(env);
  const database = openPostgres(postgresOptions(config, url));
  const app = await createApp(config, database);
  const request = (path: string, init: RequestInit & { token?: string | null } = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('authorization', `Bearer ${init.token}`);
    return Promise.resolve(app.fetch(new Request(`http://gateway.test${path}`, { ...init, headers })));
  };
  return {
    app,
    database,
    request,
    async gql(query, variables = {}, token = null) {
      const res = await request('/graphql', {
        method: 'POST',
        token,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, body: (await res.json()) as never };
    },
    async close() {
      await app.close();
      await database.close();
    },
  };
}
