import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('config', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 4000, dataDir: './data', dbPoolMax: 10, graphiql: true, introspection: true, production: false, logLevel: 'info' });
    expect(c.databaseUrl).toBeUndefined();
    expect(c.jwt).toMatchObject({ accessTtlSeconds: 900, refreshTtlSeconds: 30 * 86400 });
  });

  it('CORS_ORIGINS is a comma list of absolute origins, none by default', () => {
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(loadConfig({ CORS_ORIGINS: ' https://Admin.Example.org , http://localhost:5173,https://admin.example.org' }).corsOrigins).toEqual([
      'https://admin.example.org',
      'http://localhost:5173',
    ]);
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example:8443' }).corsOrigins).toEqual(['https://a.example:8443']);
  });

  it('parses durations and flags', () => {
    const c = loadConfig({ ACCESS_TOKEN_TTL: '1h', REFRESH_TOKEN_TTL: '7d', GRAPHIQL: 'false', INTROSPECTION: 'off', PORT: '8080' });
    expect(c.jwt.accessTtlSeconds).toBe(3600);
    expect(c.jwt.refreshTtlSeconds).toBe(7 * 86400);
    expect(c.graphiql).toBe(false);
    expect(c.introspection).toBe(false);
    expect(c.port).toBe(8080);
  });

  it('turns GraphiQL and introspection off in production unless enabled, and needs JWT_SECRET and SECRETS_KEY there', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', SECRETS_KEY: 'k'.repeat(32) })).toThrow('JWT_SECRET: required when NODE_ENV=production');
    const prod = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 's'.repeat(32), SECRETS_KEY: 'k'.repeat(32) });
    expect(prod).toMatchObject({ graphiql: false, introspection: false, production: true, secretsKey: 'k'.repeat(32) });
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 's'.repeat(32), SECRETS_KEY: 'k'.repeat(32), GRAPHIQL: 'true' }).graphiql).toBe(true);
  });

  it('production without SECRETS_KEY is a one-line configuration error; elsewhere the key is generated at start', () => {
    let message = '';
    try {
      loadConfig({ NODE_ENV: 'production', JWT_SECRET: 's'.repeat(32) });
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      message = (e as Error).message;
    }
    expect(message).toBe('Invalid configuration: SECRETS_KEY: required when NODE_ENV=production');
    expect(loadConfig({}).secretsKey).toBeUndefined();
    expect(loadConfig({ DATA_DIR: '/srv/gw' }).mail.fileDir).toBe('/srv/gw/mail');
  });

  it('names the variable in one line and never echoes secrets', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ PORT: 'eighty' }, /^Invalid configuration: PORT: .*"eighty"/],
      [{ DATABASE_URL: 'mysql://x' }, /^Invalid configuration: DATABASE_URL: expected a postgres:\/\/ URL/],
      [{ DB_POOL_MAX: '0' }, /^Invalid configuration: DB_POOL_MAX/],
      [{ ACCESS_TOKEN_TTL: 'soon' }, /^Invalid configuration: ACCESS_TOKEN_TTL: expected a duration/],
      [{ LOG_LEVEL: 'loud' }, /^Invalid configuration: LOG_LEVEL/],
      [{ GRAPHIQL: 'maybe' }, /^Invalid configuration: GRAPHIQL/],
      [{ JWT_JWKS_URL: 'https://idp.example/jwks' }, /^Invalid configuration: JWT_ISSUER: required with JWT_JWKS_URL/],
      [{ CORS_ORIGINS: '*' }, /^Invalid configuration: CORS_ORIGINS: \* is not an origin/],
      [{ CORS_ORIGINS: 'https://admin.example.org,admin2.example.org' }, /^Invalid configuration: CORS_ORIGINS: admin2.example.org is not an origin/],
      [{ CORS_ORIGINS: 'https://admin.example.org/panel' }, /^Invalid configuration: CORS_ORIGINS: .* is not an origin/],
      [{ CORS_ORIGINS: 'null' }, /^Invalid configuration: CORS_ORIGINS/],
    ];
    for (const [env, pattern] of cases) {
      let error: unknown;
      try {
        loadConfig(env);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(env)).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(pattern);
      expect((error as Error).message).not.toContain('\n');
    }
    const secret = (() => {
      try {
        loadConfig({ JWT_SECRET: 'short-secret' });
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(secret).toMatch(/^Invalid configuration: JWT_SECRET/);
    expect(secret).not.toContain('short-secret');
    const key = (() => {
      try {
        loadConfig({ SECRETS_KEY: 'short-key' });
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(key).toMatch(/^Invalid configuration: SECRETS_KEY: must be at least 32 characters$/);
  });
});

describe('the README configuration table', () => {
  const root = new URL('..', import.meta.url);
  const source = readFileSync(new URL('src/config.ts', root), 'utf8');
  const readme = readFileSync(new URL('README.md', root), 'utf8');
  /** Every variable config.ts reads: the schema's upper-case keys and any `env.X` / `env['X']`. */
  const read = new Set([
    ...[...source.matchAll(/^\s+([A-Z][A-Z0-9_]+)\s*:/gm)].map((m) => m[1]),
    ...[...source.matchAll(/\benv\.([A-Z][A-Z0-9_]+)\b/g)].map((m) => m[1]),
    ...[...source.matchAll(/\benv\[['"]([A-Z][A-Z0-9_]+)['"]\]/g)].map((m) => m[1]),
  ]);
  const section = readme.slice(readme.indexOf('\n## Configuration'), readme.indexOf('\n## ', readme.indexOf('\n## Configuration') + 1));
  /** The names in the first cell of each row of the table. */
  const documented = new Set(
    section
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .flatMap((line) => [...line.split('|')[1].matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1])),
  );

  it('finds the variables (the parse still works)', () => {
    expect(read.size).toBeGreaterThan(30);
    expect(read).toContain('DATABASE_URL');
    expect(documented).toContain('DATABASE_URL');
  });

  it('lists every variable config.ts reads', () => {
    expect([...read].filter((name) => !documented.has(name))).toEqual([]);
  });

  it('lists no variable config.ts does not read', () => {
    expect([...documented].filter((name) => !read.has(name))).toEqual([]);
  });
});
