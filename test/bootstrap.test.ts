import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { resolveSecrets } from '../src/bootstrap.js';
import { loadConfig } from '../src/config.js';
import { onPostgres, openTestDatabase } from './helpers/db.js';

describe('resolveSecrets', () => {
  it('generates JWT_SECRET and SECRETS_KEY once and keeps them (DATA_DIR with PGlite, gateway_settings on PostgreSQL); given values win', async () => {
    const { database, drop } = await openTestDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'gw-secrets-'));
    try {
      const config = loadConfig({ DATA_DIR: dir });
      const first = await resolveSecrets(config, database);
      const again = await resolveSecrets(config, database);
      expect(first.secretsKey).toMatch(/^[\w-]{43}$/);
      expect(first.secretsKey).not.toBe(first.jwt.secret);
      expect(again.secretsKey).toBe(first.secretsKey);
      expect(again.jwt.secret).toBe(first.jwt.secret);
      if (onPostgres) {
        const rows = await database.rows<{ key: string; value: string }>(
          sql`select key, value from gateway_settings where key in ('jwt_secret', 'secrets_key') order by key`,
        );
        expect(rows).toEqual([
          { key: 'jwt_secret', value: first.jwt.secret },
          { key: 'secrets_key', value: first.secretsKey },
        ]);
      } else {
        const file = join(dir, 'secrets-key');
        expect(readFileSync(file, 'utf8')).toBe(first.secretsKey);
        expect(statSync(file).mode & 0o777).toBe(0o600);
      }
      const given = await resolveSecrets(loadConfig({ DATA_DIR: dir, SECRETS_KEY: 'g'.repeat(32) }), database);
      expect(given.secretsKey).toBe('g'.repeat(32));
    } finally {
      await drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
